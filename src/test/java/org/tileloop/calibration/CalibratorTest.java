package org.tileloop.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.cli.Main;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.calibration.CalibratedRigs;

/** The simulated rig's timing-chain model: known offsets (several ns) and gains (hundreds of ppm), 2 ps jitter. */
class CalibratorTest {

    @TempDir
    Path dir;

    @Test
    void recoversInjectedOffsetsAndGainsAndCalibratedSpikesMatchTheIdealTile() {
        var file = RigFileLoader.load(Path.of("rigs/sim-tile4-chain.yaml"));
        CalibrationStore store = new CalibrationStore(dir);
        try (Rig rig = CalibratedRigs.open(file, store)) {
            CalibrationRecord r = Calibrator.run(rig, file.calibration(), store.newId("sim-tile4-chain", java.time.Instant.now()), "test", n -> { });
            assertTrue(r.accepted(), Calibrator.report(r));
            double[] offsets = {2.5, -1.2, 4.1, 0.8};
            double[] gains = {300, -250, 400, -150};
            for (int c = 0; c < 4; c++) {
                var fit = r.channels().get(c);
                assertEquals(offsets[c], fit.offsetNs(), 0.002, "offset n" + c);
                assertEquals(gains[c], (fit.gain() - 1) * 1e6, 100, "gain n" + c + " (ppm; 100 ppm over 20 ns is 2 ps)");
                assertTrue(fit.residualRmsPs() < 4 && fit.rSquared() > 0.99999, Calibrator.report(r));
            }
            rig.useCalibration(new LinearCalibration(r));
            List<Probe> batch = new ArrayList<>();
            for (double d : List.of(4.5, 6.5, 9.0)) {
                batch.add(new Probe(rig.description().defaults(), Stimulus.delay(rig.description(), d)));
            }
            List<StimulusResult> calibrated = rig.measure(batch);
            try (Rig ideal = CalibratedRigs.open(RigFileLoader.load(Path.of("rigs/sim-tile4.yaml")), store)) {
                List<StimulusResult> truth = ideal.measure(batch);
                for (int c = 0; c < 4; c++) {
                    double sq = 0;
                    int n = 0;
                    for (int s = 0; s < batch.size(); s++) {
                        ChannelResult got = calibrated.get(s).channels().get(c);
                        ChannelResult want = truth.get(s).channels().get(c);
                        assertEquals(want.spikeCount(), got.spikeCount());
                        for (int k = 0; k < got.spikes().size(); k++) {
                            double errPs = (got.spikes().get(k).calibratedNs() - want.spikes().get(k).rawNs()) * 1000;
                            assertTrue(Math.abs(errPs) < 10, "n" + c + " spike " + k + " off by " + errPs + " ps");
                            assertTrue(Math.abs(got.spikes().get(k).rawNs() - want.spikes().get(k).rawNs()) > 0.7,
                                    "raw times carry the injected offsets");
                            assertEquals(r.id(), got.spikes().get(k).calibrationId());
                            sq += errPs * errPs;
                            n++;
                        }
                    }
                    assertTrue(Math.sqrt(sq / n) <= 4, "n" + c + " RMS error " + Math.sqrt(sq / n) + " ps exceeds 2 sigma (4 ps)");
                }
            }
        }
    }

    @Test
    void aFitWithAnOutlierIsRejected() {
        var file = RigFileLoader.load(Path.of("rigs/sim-tile4-chain.yaml"));
        try (Rig rig = CalibratedRigs.open(file, new CalibrationStore(dir))) {
            List<List<double[]>> points = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                List<double[]> p = new ArrayList<>();
                for (double d = 2; d <= 20; d += 3) {
                    p.add(new double[] {d, 1.0 + 1.0002 * d});
                }
                points.add(p);
            }
            CalibrationRecord exact = Calibrator.fit(rig, file.calibration(), "sim-tile4-chain/20261122T000000Z", "t", points);
            assertTrue(exact.accepted());
            assertEquals(1.0, exact.channels().get(2).offsetNs(), 1e-9);
            assertEquals(1.0002, exact.channels().get(2).gain(), 1e-12);
            assertEquals(1.0, exact.channels().get(2).rSquared(), 1e-12);
            points.get(1).get(3)[1] += 0.05;
            CalibrationRecord bad = Calibrator.fit(rig, file.calibration(), "sim-tile4-chain/20261122T000000Z", "t", points);
            assertFalse(bad.accepted());
            assertTrue(bad.channels().get(1).maxResidualPs() > 10);
            assertTrue(Calibrator.report(bad).contains("REJECTED"));
        }
    }

    @Test
    void calibrateCommandSavesARecordThatMeasureAppliesAndListShows() throws Exception {
        var out = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertEquals(0, cl.execute("calibrate", "--rig", "rigs/sim-tile4-chain.yaml", "--calibration-dir", dir.toString()), out.toString());
        assertTrue(out.toString().contains("saved "), out.toString());
        String id = new CalibrationStore(dir).current("sim-tile4-chain").orElseThrow().id();
        assertTrue(java.nio.file.Files.exists(dir.resolve(id + ".svg")));
        var json = new java.io.StringWriter();
        var m = Main.commandLine();
        m.setOut(new java.io.PrintWriter(json, true));
        assertEquals(0, m.execute("measure", "--rig", "rigs/sim-tile4-chain.yaml", "--calibration-dir", dir.toString(), "--delays", "4.5", "--json"));
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toString());
        var n2 = node.get("channels").get(2);
        assertEquals(id, n2.get("calibration_id").asText());
        assertEquals(4.1, n2.get("first_spike_raw_ns").asDouble() - n2.get("first_spike_ns").asDouble(), 0.01);
        var list = new java.io.StringWriter();
        var l = Main.commandLine();
        l.setOut(new java.io.PrintWriter(list, true));
        assertEquals(0, l.execute("calibration", "list", "--rig", "rigs/sim-tile4-chain.yaml", "--calibration-dir", dir.toString()));
        assertTrue(list.toString().contains("* " + id), list.toString());
    }
}
