package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.cli.Main;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.calibration.CalibratedRigs;
import org.tileloop.rig.bench.emulator.BenchEmulator;

/** Calibration against the emulator's timing chain: offsets of several ns, gains of hundreds of ppm, 3 ps jitter. */
class BenchCalibrationEndToEndTest {

    static final List<Double> OFFSETS_PS = List.of(3200.0, -1500.0, 4100.0, 800.0);
    static final List<Double> GAINS_PPM = List.of(300.0, -250.0, 400.0, -150.0);

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    Path rig(Path device) throws Exception {
        Path rig = dir.resolve(device.getFileName() + ".yaml");
        Files.writeString(rig, Files.readString(Path.of("rigs/bench-emulated.yaml"))
                .replace("/tmp/tileloop-bench0", device.toString()).replace("timeout_ms: 300", "timeout_ms: 100"));
        return rig;
    }

    @Test
    void calibratedSpikesMatchTheTruthAndUncalibratedBenchTrainingIsRefused() throws Exception {
        Path device = dir.resolve("bench");
        Path truthFile = dir.resolve("truth.jsonl");
        Path cal = dir.resolve("cal");
        var options = BenchEmulator.Options.clean(5).truth(truthFile).chain(OFFSETS_PS, GAINS_PPM, -1, 0);
        try (BenchEmulator emu = BenchEmulator.start(Path.of("drivers/firmware"), device, options)) {
            Path rigFile = rig(device);
            Run refused = cli("train", "--rig", rigFile.toString(), "--config", "rigs/training/bench-emulated.yaml", "--iterations", "1",
                    "--calibration-dir", cal.toString(), "--runs-dir", dir.resolve("runs").toString());
            assertEquals(Main.EXIT_CONFIG, refused.exit());
            assertTrue(refused.err().contains("no calibration record for rig bench-emulated") && refused.err().contains("--allow-uncalibrated"),
                    refused.err());

            Run calibrate = cli("calibrate", "--rig", rigFile.toString(), "--calibration-dir", cal.toString());
            assertEquals(0, calibrate.exit(), calibrate.out() + calibrate.err());
            var record = new CalibrationStore(cal).current("bench-emulated").orElseThrow();
            for (int c = 0; c < 4; c++) {
                assertEquals(OFFSETS_PS.get(c) / 1000, record.channels().get(c).offsetNs(), 0.003, "offset n" + c);
                assertEquals(GAINS_PPM.get(c), (record.channels().get(c).gain() - 1) * 1e6, 150, "gain n" + c);
            }
            int before = Files.exists(truthFile) ? Files.readAllLines(truthFile).size() : 0;
            try (Rig rig = CalibratedRigs.open(RigFileLoader.load(rigFile), new CalibrationStore(cal))) {
                assertEquals(record.id(), rig.calibration().id());
                List<StimulusResult> results = rig.measure(List.of(4.5, 6.5, 9.0, 10.5).stream()
                        .map(d -> new Probe(rig.description().defaults(), Stimulus.delay(rig.description(), d))).toList());
                List<String> all = Files.readAllLines(truthFile);
                List<String> lines = all.subList(before, all.size());
                assertEquals(results.size(), lines.size());
                for (int c = 0; c < 4; c++) {
                    double sq = 0;
                    int n = 0;
                    for (int s = 0; s < results.size(); s++) {
                        JsonNode truePs = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(s)).get("true_ps").get(c);
                        var spikes = results.get(s).channels().get(c).spikes();
                        assertEquals(truePs.size(), spikes.size());
                        for (int k = 0; k < spikes.size(); k++) {
                            double err = spikes.get(k).calibratedNs() * 1000 - truePs.get(k).asDouble();
                            assertTrue(Math.abs(err) < 15, "n" + c + " spike " + k + " off by " + err + " ps");
                            sq += err * err;
                            n++;
                        }
                    }
                    double rms = Math.sqrt(sq / n);
                    assertTrue(rms <= 6, "n" + c + ": calibrated RMS error " + rms + " ps exceeds 2 sigma of the 3 ps jitter");
                }
            }
            Run train = cli("train", "--rig", rigFile.toString(), "--config", "rigs/training/bench-emulated.yaml", "--iterations", "1",
                    "--calibration-dir", cal.toString(), "--runs-dir", dir.resolve("runs").toString());
            assertEquals(0, train.exit(), train.err());
            Path run = dir.resolve("runs/latest").toRealPath();
            JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("manifest.json").toFile());
            assertEquals(record.id(), manifest.get("calibration_id").asText());
            List<String> traces = Files.readAllLines(run.resolve("traces.csv"));
            assertTrue(traces.get(1).contains("," + record.id() + ","), traces.get(1));
        }
    }

    @Test
    void driftInjectedMidRunPausesOrRecalibratesAndTheArtifactsSaySo() throws Exception {
        Path device = dir.resolve("drifting");
        Path cal = dir.resolve("cal");
        Path config = dir.resolve("drift.yaml");
        Files.writeString(config, Files.readString(Path.of("rigs/training/bench-emulated.yaml"))
                + "drift_check_every: 1\ndrift_reference_delay_ns: 10\ndrift_threshold_ps: 20\n");
        // each iteration measures 24 stimuli; after the 40th the offsets move by 60 ps: the check before iteration 2 sees it
        var options = BenchEmulator.Options.clean(5).chain(OFFSETS_PS, GAINS_PPM, 40, 60);
        try (BenchEmulator emu = BenchEmulator.start(Path.of("drivers/firmware"), device, options)) {
            Path rigFile = rig(device);
            assertEquals(0, cli("calibrate", "--rig", rigFile.toString(), "--calibration-dir", cal.toString()).exit());
            Run paused = cli("train", "--rig", rigFile.toString(), "--config", config.toString(), "--iterations", "4",
                    "--calibration-dir", cal.toString(), "--runs-dir", dir.resolve("runs").toString());
            assertEquals(5, paused.exit(), paused.err());
            Path run = dir.resolve("runs/latest").toRealPath();
            JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("manifest.json").toFile());
            assertEquals("paused", manifest.get("status").asText());
            assertTrue(manifest.get("reason").asText().startsWith("paused: timing drift of"), manifest.get("reason").asText());
            List<String> rows = Files.readAllLines(run.resolve("iterations.csv"));
            assertTrue(rows.get(0).endsWith(",drift_ps,calibration_id"));
            assertEquals(3, rows.size(), "iterations 0 and 1 done, iteration 2 paused before measuring: " + rows);
            double drift1 = Double.parseDouble(rows.get(2).split(",")[rows.get(0).split(",").length - 2]);
            assertTrue(drift1 < 20, "before the drift the check passes: " + drift1);

            Files.writeString(config, Files.readString(config).replace("drift_action: pause", "") + "drift_action: recalibrate\n");
            Run recal = cli("train", "--rig", rigFile.toString(), "--config", config.toString(), "--iterations", "2",
                    "--calibration-dir", cal.toString(), "--runs-dir", dir.resolve("runs2").toString());
            assertEquals(0, recal.exit(), recal.err());
            Path run2 = dir.resolve("runs2/latest").toRealPath();
            JsonNode m2 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run2.resolve("manifest.json").toFile());
            assertEquals("completed", m2.get("status").asText());
            assertEquals(1, m2.get("recalibrations").size(), m2.toString());
            JsonNode rc = m2.get("recalibrations").get(0);
            assertTrue(rc.get("drift_ps").asDouble() > 40, rc.toString());
            List<String> rows2 = Files.readAllLines(run2.resolve("iterations.csv"));
            String firstId = rows2.get(1).substring(rows2.get(1).lastIndexOf(',') + 1);
            String lastId = rows2.get(rows2.size() - 1).substring(rows2.get(rows2.size() - 1).lastIndexOf(',') + 1);
            assertEquals(rc.get("calibration_id").asText(), lastId);
            assertTrue(!firstId.equals(lastId), "the iteration log shows the new calibration");
            assertEquals(2, new CalibrationStore(cal).list("bench-emulated").size(), "the first calibration and the recalibration");
        }
    }

    @Test
    void aChannelReadingBeforeTheOriginCalibratesThroughSignedTimestamps() throws Exception {
        Path device = dir.resolve("negative");
        Path cal = dir.resolve("cal");
        // n1's path is 2.5 ns shorter than the reference: the 2 ns reference pulse reads -0.5 ns
        var options = BenchEmulator.Options.clean(5).jitter(0).chain(List.of(200.0, -2500.0, 100.0, 0.0), GAINS_PPM, -1, 0);
        try (BenchEmulator emu = BenchEmulator.start(Path.of("drivers/firmware"), device, options)) {
            Path rigFile = rig(device);
            try (BenchRig rig = (BenchRig) org.tileloop.rig.file.Rigs.open(RigFileLoader.load(rigFile))) {
                assertEquals("1.1", rig.handshake().version());
                assertEquals(-0.5 * (1 - 250e-6), rig.measureReference(2.0).get(1), 0.0015, "a signed raw time before the origin");
            }
            Run calibrate = cli("calibrate", "--rig", rigFile.toString(), "--calibration-dir", cal.toString());
            assertEquals(0, calibrate.exit(), calibrate.out() + calibrate.err());
            var n1 = new CalibrationStore(cal).current("bench-emulated").orElseThrow().channels().get(1);
            assertEquals(-2.5, n1.offsetNs(), 0.002);
            assertTrue(n1.maxResidualPs() <= 1.0, "1 ps LSB, no jitter: " + n1.maxResidualPs());
        }
    }

    @Test
    void anInterlockTripDuringTheSweepIsReportedExits5AndSavesNothing() throws Exception {
        Path device = dir.resolve("tripping");
        Path cal = dir.resolve("cal");
        try (BenchEmulator emu = BenchEmulator.start(Path.of("drivers/firmware"), device, BenchEmulator.Options.clean(5).faults(0, 0, -1, 20))) {
            Path rigFile = rig(device);
            Run calibrate = cli("calibrate", "--rig", rigFile.toString(), "--calibration-dir", cal.toString());
            assertEquals(5, calibrate.exit(), calibrate.out() + calibrate.err());
            assertTrue(calibrate.err().contains("error: interlock tripped on bench emulator-0001")
                    && calibrate.err().contains("the calibration sweep stopped after 19 of 45 reference pulses, nothing saved"), calibrate.err());
            assertTrue(new CalibrationStore(cal).current("bench-emulated").isEmpty(), "nothing saved");
            Run describe = cli("describe", "--rig", rigFile.toString());
            assertEquals(0, describe.exit(), describe.err());
            assertTrue(describe.out().contains("state       disarmed, interlock LATCHED"), describe.out());
            assertTrue(describe.out().contains("counters    replays 0, errors 1, stimuli 0, reference pulses 19, interlock trips 1"),
                    describe.out());
            Run json = cli("describe", "--rig", rigFile.toString(), "--json");
            JsonNode bench = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("bench");
            assertEquals("1.1", bench.get("protocol_version").asText());
            assertEquals(19, bench.get("reference_pulses").asInt());
            assertTrue(bench.get("interlock_latched").asBoolean());
        }
        Run gone = cli("describe", "--rig", rig(dir.resolve("unplugged")).toString());
        assertEquals(0, gone.exit(), "the description is still shown");
        assertTrue(gone.out().contains("not reachable: ") && gone.out().contains("does not exist"), gone.out());
    }
}
