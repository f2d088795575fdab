package org.tileloop.rig.bench.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.cli.Main;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.bench.BenchProtocolException;
import org.tileloop.rig.bench.BenchRig;
import org.tileloop.rig.bench.Handshake;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.file.Rigs;

/** The emulator with a SPICE tile: BenchRig → pty → firmware core → tile oracle → SpiceRig(sim-tile4-chip1) → timing chain. */
class SpiceTileEndToEndTest {

    static final Path FIRMWARE = Path.of("drivers/firmware");
    static final Path CHIP1 = Path.of("rigs/sim-tile4-chip1.yaml");
    static final Path NOMINAL = Path.of("rigs/sim-tile4.yaml");
    static final Path BENCH = Path.of("rigs/bench-emulated-chip1.yaml");
    static final List<Double> OFFSETS_PS = List.of(120.0, -80.0, 260.0, 40.0);
    static final List<Double> GAINS_PPM = List.of(2000.0, -1000.0, 1500.0, -2500.0);

    @TempDir
    Path dir;

    /** What the chain reports for a spike at trueNs on channel c with jitter 0: t·(1 + gain) + offset, in whole 1 ps LSBs. */
    static double chainNs(int c, double trueNs) {
        return Math.round(trueNs * 1000 * (1 + GAINS_PPM.get(c) * 1e-6) + OFFSETS_PS.get(c)) / 1000.0;
    }

    /** The SPICE vector for what the bench applies: every emulator parameter at the value of its code. */
    static ParameterVector applied(Rig spice, BenchRig bench, ParameterVector v) {
        int[] codes = bench.codes(v);
        ParameterVector s = spice.description().defaults();
        for (Handshake.Param q : bench.handshake().parameters()) {
            s = s.with(q.name(), q.value(codes[q.index()]));
        }
        return s;
    }

    /**
     * The training task's stimuli (in0 at the delay, in1 at 7 ns) under 10 vectors: 60 probes, 6 per parameter set.
     * Inputs in a fixed order: the emulator's jitter is a function of the stimulus as sent, input order included.
     */
    static List<Probe> sixtyProbes(ParameterVector defaults) {
        List<Probe> batch = new ArrayList<>();
        for (double iin : List.of(1.45, 1.6)) {
            for (double rfb : List.of(2400.0, 3000.0, 3600.0, 4200.0, 4800.0)) {
                ParameterVector v = defaults.with("r_fb", rfb).with("rleak", 52000).with("iin_amp", iin);
                for (double d : List.of(4.5, 5.5, 7.5, 6.5, 9.0, 10.5)) {
                    Map<String, Double> inputs = new LinkedHashMap<>();
                    inputs.put("in0", d);
                    inputs.put("in1", 7.0);
                    batch.add(new Probe(v, new Stimulus(inputs)));
                }
            }
        }
        return batch;
    }

    static double first(StimulusResult r, int c) {
        return r.channels().get(c).firstSpike().orElseThrow(() -> new AssertionError("n" + c + " did not fire")).rawNs();
    }

    @Test
    void benchSpikesAreTheMismatchedChipsThroughTheTimingChainAndNotTheNominalTilesAcrossAnUnplug() throws Exception {
        var options = BenchEmulator.Options.clean(4).jitter(0).chain(OFFSETS_PS, GAINS_PPM, -1, 0).faults(0, 0, 20, -1).tile(CHIP1);
        try (BenchEmulator emu = BenchEmulator.start(FIRMWARE, dir.resolve("bench"), options);
             BenchRig bench = emu.openRig(BENCH);
             Rig chip1 = Rigs.open(RigFileLoader.load(CHIP1));
             Rig nominal = Rigs.open(RigFileLoader.load(NOMINAL))) {
            assertEquals("tileloop-bench 1.1.0 (host emulator, tile oracle)", bench.provenance().get("bench_firmware"),
                    "run records tell a SPICE-tile emulator from the built-in model");
            List<Probe> batch = sixtyProbes(bench.description().defaults()).subList(0, 24);
            List<StimulusResult> measured = bench.measure(batch);
            assertEquals(1, emu.replugs(), "the device was unplugged once (after 20 replies, mid-batch) and came back with the same SPICE tile");
            List<Probe> spiceBatch = batch.stream().map(p -> new Probe(applied(chip1, bench, p.parameters()), p.stimulus())).toList();
            List<StimulusResult> chip = chip1.measure(spiceBatch);
            List<StimulusResult> twin = nominal.measure(spiceBatch);
            double worstMismatchPs = 0;
            for (int i = 0; i < batch.size(); i++) {
                double mismatchPs = 0;
                for (int c = 0; c < 4; c++) {
                    ChannelResult b = measured.get(i).channels().get(c);
                    ChannelResult s = chip.get(i).channels().get(c);
                    assertEquals(s.spikeCount(), b.spikeCount(), "probe " + i + " n" + c + " spike count");
                    for (int k = 0; k < b.spikes().size(); k++) {
                        assertEquals(chainNs(c, s.spikes().get(k).rawNs()), b.spikes().get(k).rawNs(), 0.0011,
                                "probe " + i + " n" + c + " spike " + k + ": chip1's time through the chain, within one LSB");
                    }
                    mismatchPs = Math.max(mismatchPs, Math.abs(first(chip.get(i), c) - first(twin.get(i), c)) * 1000);
                }
                assertTrue(mismatchPs > 15, "probe " + i + ": chip1 differs from the nominal tile by its mismatch, " + mismatchPs + " ps");
                worstMismatchPs = Math.max(worstMismatchPs, mismatchPs);
                assertEquals(chip.get(i).energyPj().getAsDouble(), measured.get(i).energyPj().getAsDouble(), 0.0006, "energy, 1 fJ units");
            }
            System.out.printf(Locale.ROOT, "SPICE tile: bench = chip1 through the chain within 1 LSB on %d probes; chip1 vs nominal up to %.0f ps%n",
                    batch.size(), worstMismatchPs);
        }
    }

    @Test
    void sixtyMeasurementsWithJitterStayWithinItOfTheChipsTimesAndReportTheRate() throws Exception {
        var options = BenchEmulator.Options.clean(9).jitter(3).chain(OFFSETS_PS, GAINS_PPM, -1, 0).tile(CHIP1);
        try (BenchEmulator emu = BenchEmulator.start(FIRMWARE, dir.resolve("bench"), options);
             BenchRig bench = emu.openRig(BENCH);
             Rig chip1 = Rigs.open(RigFileLoader.load(CHIP1))) {
            List<Probe> batch = sixtyProbes(bench.description().defaults());
            bench.measure(batch.subList(0, 1));
            long t0 = System.nanoTime();
            List<StimulusResult> measured = bench.measure(batch);
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<StimulusResult> chip = chip1.measure(batch.stream()
                    .map(p -> new Probe(applied(chip1, bench, p.parameters()), p.stimulus())).toList());
            double sumSq = 0;
            int n = 0;
            for (int i = 0; i < batch.size(); i++) {
                for (int c = 0; c < 4; c++) {
                    double errPs = (first(measured.get(i), c) - chainNs(c, first(chip.get(i), c))) * 1000;
                    assertTrue(Math.abs(errPs) <= 3 * 5 + 1, "probe " + i + " n" + c + ": " + errPs + " ps from chip1 through the chain");
                    sumSq += errPs * errPs;
                    n++;
                }
            }
            double rmsPs = Math.sqrt(sumSq / n);
            assertTrue(rmsPs > 1.5 && rmsPs < 4.5, "timing error is the 3 ps jitter: rms " + rmsPs + " ps");
            System.out.printf(Locale.ROOT, "SPICE tile: %d measurements in %.2f s = %.1f measurements/s; jitter rms %.2f ps%n",
                    batch.size(), seconds, batch.size() / seconds, rmsPs);
        }
    }

    @Test
    void malformedOracleRepliesAreErrorsOnTheWireAndTheEmulatorCarriesOn() throws Exception {
        List<String> replies = List.of(
                "ok 1 9 9 1 2 3 4 5 6 7 8 9 0 0 0 0 0 0",
                "ok 1 " + "1".repeat(100_000),
                "ok 1 1 1 5000\u0000 0 0 0 0 0 0",
                "ok 1 1 1 5000 0 0 0 0 0 0 0 0 0",
                "ok 1 1 1 99000 0 0 0 0 0 0",
                "error the tile is on fire",
                "ok 2500 1 1 5000 2 2 6000 7000.5 0 0 12 8 100 200 300 400 500 600 700 800");
        List<String> requests = new CopyOnWriteArrayList<>();
        TileOracle fake = request -> {
            requests.add(request);
            return replies.get(Math.min(requests.size(), replies.size()) - 1);
        };
        Path device = dir.resolve("bench");
        var options = BenchEmulator.Options.clean(2).jitter(0).chain(OFFSETS_PS, GAINS_PPM, -1, 0);
        try (BenchEmulator emu = BenchEmulator.start(BenchEmulator.build(FIRMWARE), device, options, fake);
             BenchRig bench = emu.openRig(BENCH)) {
            ParameterVector v = bench.description().defaults();
            List<Probe> probe = List.of(new Probe(v, new Stimulus(Map.of("in0", 4.5))));
            for (int i = 0; i < replies.size() - 1; i++) {
                BenchProtocolException e = assertThrows(BenchProtocolException.class, () -> bench.measure(probe), replies.get(i));
                assertEquals(BenchProtocolException.HARDWARE, e.code(), e.getMessage());
            }
            StimulusResult r = bench.measure(probe).get(0);
            assertEquals(0, emu.replugs(), "the emulator never exited");
            assertEquals(chainNs(0, 5.0), first(r, 0), 1e-9);
            assertEquals(List.of(chainNs(1, 6.0), chainNs(1, 7.0005)), r.channels().get(1).spikes().stream().map(t -> t.rawNs()).toList());
            assertEquals(0, r.channels().get(2).spikeCount().getAsInt());
            assertEquals(12, r.channels().get(3).spikeCount().getAsInt());
            assertEquals(8, r.channels().get(3).spikes().size());
            assertEquals(2.5, r.energyPj().getAsDouble(), 1e-9);
            int[] codes = bench.codes(v);
            String want = String.format(Locale.ROOT, "measure r_fb=%s rleak=%s iin_amp=%s iin1_amp=%s window_ps=30000 in0=4500",
                    value(bench, 0, codes), value(bench, 1, codes), value(bench, 2, codes), value(bench, 3, codes));
            String[] got = requests.get(0).split(" ");
            String[] expected = want.split(" ");
            assertEquals(expected.length, got.length, requests.get(0));
            for (int i = 1; i < got.length; i++) {
                String[] g = got[i].split("="), w = expected[i].split("=");
                assertEquals(w[0], g[0]);
                assertEquals(Double.parseDouble(w[1]), Double.parseDouble(g[1]), 1e-9, got[i]);
            }
            String log = Files.readString(device.resolveSibling("bench.log"));
            assertTrue(log.contains("tile oracle: malformed reply: stored: an integer in [0, 8]"), log);
            assertTrue(log.contains("malformed reply: longer than 4096 bytes"), log);
            assertTrue(log.contains("tile oracle: error: the tile is on fire"), log);
        }
    }

    static String value(BenchRig bench, int i, int[] codes) {
        return Double.toString(bench.handshake().parameters().get(i).value(codes[i]));
    }

    @Test
    void aTileRigTheEmulatorCannotUseIsAOneLineError() {
        var e = assertThrows(RigConfigurationException.class, () -> SpiceTile.open(Path.of("rigs/bench-emulated.yaml")));
        assertEquals("tile rig rigs/bench-emulated.yaml: the emulator's tile is a simulated rig (kind: simulated), not bench", e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> SpiceTile.open(Path.of("rigs/sim-tile4-noisy.yaml")));
        assertTrue(e.getMessage().startsWith("tile rig rigs/sim-tile4-noisy.yaml: has simulator.timing_chain"), e.getMessage());
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(Main.EXIT_CONFIG, cl.execute("bench-emulator", "--device", dir.resolve("d").toString(), "--tile", "digital-detector"));
        assertTrue(err.toString().startsWith("error: tile rig rigs/digital-detector.yaml: the emulator's tile is a simulated rig"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    @Test
    void aBadRequestGetsAnErrorReply() {
        try (SpiceTile tile = SpiceTile.open(CHIP1)) {
            assertEquals("error request key 'in7' is unknown or repeated",
                    tile.answer("measure r_fb=3000 rleak=40000 iin_amp=1.4 iin1_amp=1.5 window_ps=30000 in7=4500"));
            assertEquals("error request key 'in0' is unknown or repeated",
                    tile.answer("measure r_fb=3000 rleak=40000 iin_amp=1.4 iin1_amp=1.5 window_ps=30000 in0=4500 in0=5000"));
            assertTrue(tile.answer("measure r_fb=300000 rleak=40000 iin_amp=1.4 iin1_amp=1.5 window_ps=30000 in0=4500")
                    .startsWith("error rig sim-tile4-chip1: parameter r_fb = 300000 is outside the allowed range [1000, 20000] ohm"));
            String ok = tile.answer("measure r_fb=3000 rleak=40000 iin_amp=1.4 iin1_amp=1.5 window_ps=30000 in0=4500");
            assertTrue(ok.matches("ok [0-9.]+( 4 4( [0-9.]+){4}){4}"), "in0 alone: 4 spikes per channel in the 10 ns pulse: " + ok);
        }
    }
}
