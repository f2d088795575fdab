package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.cli.Main;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;
import org.tileloop.rig.file.Rigs;
import org.tileloop.rig.bench.emulator.BenchEmulator;

/** The whole bench path: BenchRig → jSerialComm → socat pty → reference firmware core + emulated tile. */
class BenchEmulatorEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path FIRMWARE = Path.of("drivers/firmware");

    @TempDir
    Path dir;

    Path rigFile(Path device) throws Exception {
        Path rig = dir.resolve(device.getFileName() + ".yaml");
        Files.writeString(rig, Files.readString(Path.of("rigs/bench-emulated.yaml"))
                .replace("/tmp/tileloop-bench0", device.toString()).replace("timeout_ms: 300", "timeout_ms: 100"));
        return rig;
    }

    static List<JsonNode> truth(Path file) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    /** The emulator's own record of this stimulus under these codes, compared timestamp by timestamp (1 ps LSB). */
    static void assertMatchesTruth(List<JsonNode> truth, int[] codes, StimulusResult r) {
        List<JsonNode> same = truth.stream().filter(t -> {
            for (int i = 0; i < codes.length; i++) {
                if (t.get("codes").get(i).asInt() != codes[i]) {
                    return false;
                }
            }
            JsonNode in = t.get("inputs");
            return in.size() == r.stimulus().inputDelaysNs().size()
                    && in.get(0).get(1).asLong() == Math.round(r.stimulus().delayNs() * 1000);
        }).toList();
        assertTrue(!same.isEmpty(), "no ground truth for " + r.stimulus() + " at codes " + java.util.Arrays.toString(codes));
        for (JsonNode t : same) {
            for (int c = 0; c < 4; c++) {
                List<Timing> spikes = r.channels().get(c).spikes();
                JsonNode ts = t.get("ts").get(c);
                assertEquals(ts.size(), spikes.size(), "spike count n" + c);
                for (int k = 0; k < ts.size(); k++) {
                    assertEquals(ts.get(k).asLong(), Math.round(spikes.get(k).rawNs() * 1000), "n" + c + " spike " + k);
                }
            }
        }
    }

    @Test
    void measurementsEqualTheEmulatorsGroundTruthAndRunOncePerStimulus() throws Exception {
        Path device = dir.resolve("clean");
        Path truthFile = dir.resolve("truth.jsonl");
        var options = BenchEmulator.Options.clean(7).truth(truthFile);
        try (BenchEmulator emu = BenchEmulator.start(FIRMWARE, device, options);
             Rig rig = Rigs.open(org.tileloop.rig.file.RigFileLoader.load(rigFile(device)))) {
            BenchRig bench = (BenchRig) rig;
            assertEquals("emulator-0001", bench.handshake().boardId());
            assertEquals(List.of("r_fb", "rleak", "iin_amp", "iin1_amp"),
                    bench.handshake().parameters().stream().map(Handshake.Param::name).toList());
            ParameterVector a = rig.description().defaults();
            ParameterVector b = a.with("r_fb", 4500).with("iin_amp", 1.6);
            List<Probe> batch = new ArrayList<>();
            for (ParameterVector v : List.of(a, b)) {
                for (double d : List.of(4.5, 6.5, 9.0)) {
                    batch.add(new Probe(v, new Stimulus(Map.of("in0", d))));
                }
            }
            batch.add(new Probe(a, new Stimulus(new java.util.LinkedHashMap<>(Map.of("in0", 8.0)))));
            List<StimulusResult> results = rig.measure(batch);
            assertEquals(batch.size(), results.size());
            List<JsonNode> truth = truth(truthFile);
            assertEquals(batch.size(), truth.size(), "each stimulus fired exactly once");
            for (int i = 0; i < batch.size(); i++) {
                assertMatchesTruth(truth, bench.codes(batch.get(i).parameters()), results.get(i));
                assertEquals(batch.get(i).stimulus(), results.get(i).stimulus());
            }
            double first = results.get(0).channels().get(0).firstSpike().orElseThrow().rawNs();
            assertTrue(first > 4.5 && first < 7.0, "n0 fires after in0 at 4.5 ns: " + first);
            assertTrue(results.get(3).channels().get(0).firstSpike().orElseThrow().rawNs() < first, "higher drive fires sooner");
            assertEquals(151, bench.codes(a)[0], "3000 ohm on a 20 kOhm 10-bit rheostat with 50 ohm wiper");
        }
    }

    @Test
    void timestampsAreTheChainsReadingRoundedToTheNearestLsb() throws Exception {
        Path device = dir.resolve("rounding");
        Path truthFile = dir.resolve("rounding.jsonl");
        List<Double> offsets = List.of(35.4, -20.6, 50.5, 10.0);
        List<Double> gains = List.of(2000.0, -1000.0, 1500.0, -2500.0);
        var options = BenchEmulator.Options.clean(7).jitter(0).truth(truthFile).chain(offsets, gains, -1, 0);
        try (BenchEmulator emu = BenchEmulator.start(FIRMWARE, device, options);
             Rig rig = Rigs.open(org.tileloop.rig.file.RigFileLoader.load(rigFile(device)))) {
            List<Probe> batch = new ArrayList<>();
            for (double d : List.of(2.0, 4.5, 6.5, 9.0, 12.25)) {
                batch.add(new Probe(rig.description().defaults(), new Stimulus(Map.of("in0", d))));
            }
            List<StimulusResult> results = rig.measure(batch);
            List<JsonNode> truth = truth(truthFile);
            int checked = 0;
            for (int i = 0; i < results.size(); i++) {
                for (int c = 0; c < 4; c++) {
                    JsonNode truePs = truth.get(i).get("true_ps").get(c);
                    List<Timing> spikes = results.get(i).channels().get(c).spikes();
                    assertEquals(truePs.size(), spikes.size());
                    for (int k = 0; k < spikes.size(); k++) {
                        double chain = truePs.get(k).asDouble() * (1 + gains.get(c) * 1e-6) + offsets.get(c);
                        assertEquals(Math.round(chain), spikes.get(k).rawNs() * 1000, 1e-6, "n" + c + " spike " + k + ": chain reading " + chain);
                        checked++;
                    }
                }
            }
            assertTrue(checked >= 20, "spikes checked: " + checked);
        }
    }

    static int cli(String... args) {
        return Main.commandLine().execute(args);
    }

    @Test
    void trainingThroughCorruptionDropsAnUnplugAndAnInterlockTripMatchesACleanRun() throws Exception {
        Path config = Path.of("rigs/training/bench-emulated.yaml");
        Path cleanDevice = dir.resolve("cleanbench");
        try (BenchEmulator emu = BenchEmulator.start(FIRMWARE, cleanDevice, BenchEmulator.Options.clean(3))) {
            assertEquals(0, cli("train", "--rig", rigFile(cleanDevice).toString(), "--config", config.toString(), "--iterations", "4",
                    "--allow-uncalibrated", "--runs-dir", dir.resolve("clean-runs").toString()));
        }
        Path clean = dir.resolve("clean-runs/latest").toRealPath();
        List<String> rows = Files.readAllLines(clean.resolve("iterations.csv"));
        int lossCol = List.of(rows.get(0).split(",")).indexOf("loss_train_ns2");
        double start = Double.parseDouble(rows.get(1).split(",")[lossCol]);
        double end = Double.parseDouble(rows.get(rows.size() - 1).split(",")[lossCol]);
        assertTrue(end < 0.2 * start, "training on the emulated bench reduces the loss: " + start + " -> " + end);

        Path faultyDevice = dir.resolve("faultybench");
        Path truthFile = dir.resolve("faulty-truth.jsonl");
        var faults = BenchEmulator.Options.clean(3).truth(truthFile).faults(0.01, 0.05, 200, 30);
        Path runs = dir.resolve("faulty-runs");
        try (BenchEmulator emu = BenchEmulator.start(FIRMWARE, faultyDevice, faults)) {
            Path rig = rigFile(faultyDevice);
            int paused = cli("train", "--rig", rig.toString(), "--config", config.toString(), "--iterations", "4", "--allow-uncalibrated",
                    "--runs-dir", runs.toString());
            assertEquals(5, paused, "the interlock pauses the run");
            Path run = runs.resolve("latest").toRealPath();
            JsonNode manifest = JSON.readTree(run.resolve("manifest.json").toFile());
            assertEquals("paused", manifest.get("status").asText());
            assertTrue(manifest.get("reason").asText().contains("interlock tripped on bench emulator-0001"), manifest.toString());
            assertEquals(0, cli("train", "--resume", run.toString()), "resumed after the interlock was cleared");
            assertEquals(1, emu.replugs(), "the device was unplugged once mid-run and came back");
            assertEquals(org.tileloop.CsvCheck.withoutTime(clean.resolve("iterations.csv")),
                    org.tileloop.CsvCheck.withoutTime(run.resolve("iterations.csv")),
                    "iterations.csv: every measurement equals the clean run's");
            for (String f : List.of("traces.csv", "summary.md")) {
                assertArrayEquals(Files.readAllBytes(clean.resolve(f)), Files.readAllBytes(run.resolve(f)),
                        f + ": every measurement equals the clean run's (none lost, duplicated or misattributed)");
            }
            assertTrue(truth(truthFile).size() >= JSON.readTree(run.resolve("manifest.json").toFile()).get("measurements").asInt());
        }
    }
}
