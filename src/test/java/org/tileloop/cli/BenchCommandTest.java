package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark commands run end to end and print numbers (the figures themselves are in README, from full runs). */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void benchSimPrintsRatesRatiosAndTrainerOverhead() {
        CliTest.Run r = CliTest.run("bench", "sim", "--measurements", "12", "--soak", "0");
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("ratios: tileloop/naive ([0-9.]+)x, tileloop/floor ([0-9.]+)x").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) > 1, "persistent workers beat a process per measurement: " + r.out());
        assertTrue(r.out().contains("trainer overhead with the rig excluded:"), r.out());
        double[] rate = new double[3];
        String[] rows = {"today    10 ps trap reltol=0.001 trtol=7 chgtol=1e-14, +autostop:", "untuned  10 ps trap reltol=0.001 trtol=7 chgtol=1e-14, +breakpoints:",
            "rig file 12 ps trap reltol=0.001 trtol=7 chgtol=1e-14, +breakpoints:"};
        double[] worst = new double[3];
        for (int k = 0; k < 3; k++) {
            Matcher row = Pattern.compile(rows[k].replace(".", "\\.") + " +([0-9.]+) measurements/s, worst ([0-9.]+) ps(?: \\(\\d+ silent/fired mismatches\\))?, (within|OUTSIDE) tolerance")
                    .matcher(r.out());
            assertTrue(row.find(), rows[k] + " in:\n" + r.out());
            rate[k] = Double.parseDouble(row.group(1));
            worst[k] = Double.parseDouble(row.group(2));
            assertTrue(rate[k] > 0 && worst[k] > 0, row.group());
            assertEquals(worst[k] <= 1 ? "within" : "OUTSIDE", row.group(3), row.group());
        }
        assertEquals(worst[0], worst[1], 0, "autostop and breakpoints give the same spikes");
        Matcher speedUp = Pattern.compile("speed-up over today: ([0-9.]+)x from the breakpoint stop, ([0-9.]+)x with the rig file's step").matcher(r.out());
        assertTrue(speedUp.find(), r.out());
        assertEquals(rate[1] / rate[0], Double.parseDouble(speedUp.group(1)), 0.02 * rate[1] / rate[0], "speed-up = ratio of the rates");
        assertEquals(rate[2] / rate[0], Double.parseDouble(speedUp.group(2)), 0.02 * rate[2] / rate[0], "speed-up = ratio of the rates");
    }

    @Test
    void benchTrainCoversEveryMethodAndWritesItsArtifacts() throws Exception {
        CliTest.Run r = CliTest.run("bench", "train", "--rig", "rigs/sim-tile4.yaml", "--seeds", "1", "--fd-iterations", "1",
                "--noise", "on", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        String summary = Files.readString(dir.resolve("noise-on/summary.md"));
        assertTrue(summary.contains("timing jitter 10 ps rms"), summary);
        for (String method : List.of("fd-central", "forward-gauss-newton", "bobyqa", "cmaes", "nelder-mead", "spsa-normalized", "spsa-momentum", "spsa-adam")) {
            assertTrue(summary.contains("| " + method + " |"), summary);
        }
        org.tileloop.CsvCheck.rectangular(dir.resolve("noise-on/runs.csv"));
        List<String> csv = Files.readAllLines(dir.resolve("noise-on/runs.csv"));
        assertEquals("method,seed,iteration,measurements,loss_train_ns2,loss_holdout_ns2", csv.get(0));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("spsa-adam,1,")), csv.toString());
        assertTrue(Files.readString(dir.resolve("noise-on/loss.svg")).contains("<svg"));
    }

    @Test
    void benchTrainWithATwinAddsTwinGaussNewtonWhichNeedsFewerRigMeasurements() throws Exception {
        CliTest.Run r = CliTest.run("bench", "train", "--rig", "sim-tile4-chip1", "--twin", "sim-tile4", "--methods", "twin-gauss-newton",
                "--seeds", "1", "--fd-iterations", "3", "--noise", "on", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        String summary = Files.readString(dir.resolve("noise-on/summary.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\| twin-gauss-newton \\| 1/1 \\| (\\d+) \\| ([0-9.]+) \\| ([0-9.]+) \\|")
                .matcher(summary);
        assertTrue(m.find(), summary);
        assertTrue(Double.parseDouble(m.group(3)) < 0.3, "the chip measures only the current point: " + summary);
        assertTrue(!summary.contains("| bobyqa |"), "--methods chose the methods: " + summary);
        CliTest.Run noTwin = CliTest.run("bench", "train", "--rig", "sim-tile4-chip1", "--methods", "twin-gauss-newton", "--out", dir.toString());
        assertEquals(2, noTwin.exit());
        assertTrue(noTwin.err().contains("--methods twin-gauss-newton needs --twin RIG"), noTwin.err());
        CliTest.Run unknown = CliTest.run("bench", "train", "--methods", "gradient-magic", "--out", dir.toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("--methods: unknown method 'gradient-magic'; methods: fd-central,"), unknown.err());
    }

    @Test
    void benchTrainOnABenchRigRunsEachRunOnItsOwnEmulatorWithTheSpiceTile() throws Exception {
        CliTest.Run r = CliTest.run("bench", "train", "--rig", "bench-emulated-chip1", "--tile", "sim-tile4-chip1", "--twin", "sim-tile4",
                "--methods", "twin-gauss-newton", "--seeds", "1", "--fd-iterations", "1", "--noise", "on", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        String summary = Files.readString(dir.resolve("noise-on/summary.md"));
        assertTrue(summary.contains("Rig bench-emulated-chip1,") && summary.contains("| twin-gauss-newton | 1/1 |"), summary);
        List<String> csv = Files.readAllLines(dir.resolve("noise-on/runs.csv"));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("fd-central,1,1,30,")),
                "central FD: 7 points x 3 train traces + 3 holdout, then the final row's 3 + 3: " + csv);
        CliTest.Run benchTwin = CliTest.run("bench", "train", "--rig", "sim-tile4-chip1", "--twin", "bench-emulated", "--out", dir.toString());
        assertEquals(2, benchTwin.exit());
        assertTrue(benchTwin.err().contains("--twin: bench-emulated is a bench rig; a twin is a simulated rig"), benchTwin.err());
        CliTest.Run noTwin = CliTest.run("bench", "train", "--rig", "sim-tile4-chip1", "--twin", "nope", "--out", dir.toString());
        assertEquals(2, noTwin.exit());
        assertTrue(noTwin.err().contains("--twin"), noTwin.err());
        CliTest.Run simTile = CliTest.run("bench", "train", "--rig", "sim-tile4", "--tile", "sim-tile4-chip1", "--out", dir.toString());
        assertEquals(2, simTile.exit());
        assertTrue(simTile.err().contains("--tile: only a bench rig runs on the emulator; sim-tile4 is a simulated rig"), simTile.err());
    }
}
