package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    static final List<String> ARTIFACTS = List.of("iterations.csv", "traces.csv", "summary.md", "loss.svg", "parameters.svg");

    @TempDir
    static Path shared;

    static Path reference;

    @TempDir
    Path dir;

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        reference = train(shared.resolve("reference"));
    }

    static Path train(Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--rig", "rigs/sim-tile4.yaml", "--iterations", "6", "--seed", "1",
                "--runs-dir", out.toString()));
        args.addAll(List.of(extra));
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("artifacts: "), r.out());
        return out.resolve("latest").toRealPath();
    }

    static double column(List<String> rows, int row, String name) {
        int c = List.of(rows.get(0).split(",", -1)).indexOf(name);
        assertTrue(c >= 0, name + " not in " + rows.get(0));
        return Double.parseDouble(rows.get(row).split(",", -1)[c]);
    }

    static String cell(List<String> rows, int row, String name) {
        int c = List.of(rows.get(0).split(",", -1)).indexOf(name);
        assertTrue(c >= 0, name + " not in " + rows.get(0));
        return rows.get(row).split(",", -1)[c];
    }

    /**
     * Byte-identical artifacts, apart from iterations.csv's wall-clock {@code time} column (checked
     * to be ISO-8601 UTC) and the run id in the charts' titles.
     */
    static void assertSameArtifacts(Path expected, Path actual) throws Exception {
        for (String f : ARTIFACTS) {
            if (f.equals("iterations.csv")) {
                assertEquals(org.tileloop.CsvCheck.withoutTime(expected.resolve(f)), org.tileloop.CsvCheck.withoutTime(actual.resolve(f)), f + " differs");
            } else if (f.endsWith(".svg")) {
                assertEquals(org.tileloop.SvgCheck.withoutRunId(expected, f), org.tileloop.SvgCheck.withoutRunId(actual, f), f + " differs");
            } else {
                assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), f + " differs");
            }
        }
    }


    @Test
    void sixIterationsReduceBothLossesAndRunsAreByteIdentical() throws Exception {
        Path b = train(dir);
        assertSameArtifacts(reference, b);
        List<String> rows = Files.readAllLines(reference.resolve("iterations.csv"));
        assertEquals(8, rows.size(), "header + iterations 0..6");
        for (String col : List.of("loss_train_ns2", "loss_holdout_ns2")) {
            double start = column(rows, 1, col);
            double end = column(rows, 7, col);
            assertTrue(end < 0.1 * start, col + " " + start + " -> " + end);
        }
        assertTrue(column(rows, 7, "loss_holdout_ns2") != column(rows, 7, "loss_train_ns2"), "holdout traces differ from train traces");
        assertTrue(rows.get(0).contains("timing_train_ns2,missing_train_ns2,count_train_ns2,order_train_ns2,energy_train_ns2"));
        assertTrue(rows.get(0).contains("pct_timing"));
        assertTrue(rows.get(0).contains("param_r_fb,param_rleak,param_iin_amp,grad_r_fb"));
        org.tileloop.CsvCheck.rectangular(reference.resolve("iterations.csv"));
        org.tileloop.CsvCheck.rectangular(reference.resolve("traces.csv"));
        List<String> traces = Files.readAllLines(reference.resolve("traces.csv"));
        assertEquals(1 + 7 * 6 * 4, traces.size(), "iteration x (3 train + 3 holdout) x 4 channels");
        for (int row = 1; row < traces.size(); row++) {
            assertEquals("", cell(traces, row, "spike_count"), "first-spike measurements leave the count empty: " + traces.get(row));
        }
        JsonNode manifest = Json.MAPPER.readTree(reference.resolve("manifest.json").toFile());
        assertEquals("completed", manifest.get("status").asText());
        assertEquals(6 * (4 * 3 + 3) + 6, manifest.get("measurements").asInt(), "forward differences: 4 points x 3 traces + holdout");
        assertEquals(1, manifest.get("seed").asInt());
        assertTrue(manifest.get("rig_provenance").get("simulator_version").asText().matches("\\d+.*"), manifest.toString());
        assertEquals(64, manifest.get("rig_provenance").get("netlist_sha256").asText().length());
        assertTrue(manifest.has("end_time"));
        String svg = Files.readString(reference.resolve("loss.svg"));
        assertTrue(svg.contains("<svg") && svg.contains(">holdout loss<") && svg.contains(">train timing<"), svg.substring(0, 200));
        assertFalse(svg.contains(">train order<"), "the order term is zero throughout: not drawn, not in the legend");
        String summary = Files.readString(reference.resolve("summary.md"));
        assertTrue(summary.contains("Completed iterations 0-6, 96 measurements."), summary);
        assertTrue(summary.contains("| r_fb | ohm | 3000.00 |"), summary);
    }

    static Process child(Path out) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
                "--rig", "rigs/sim-tile4.yaml", "--iterations", "6", "--seed", "1", "--runs-dir", out.toString())
                .redirectErrorStream(true).redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile()).start();
    }

    /** Waits until {@code rows} iterations are in the child's iterations.csv. */
    static Path waitForIterations(Process p, Path out, int rows) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "training process ended early, see " + out + ".log");
            Path latest = out.resolve("latest");
            if (Files.exists(latest) && Files.exists(latest.resolve("iterations.csv"))
                    && Files.readAllLines(latest.resolve("iterations.csv")).size() >= rows + 1) {
                return latest.toRealPath();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no progress in 120 s");
    }

    @Test
    void runKilledWithSigkillResumesToIdenticalArtifacts() throws Exception {
        Path out = dir.resolve("killed");
        Process p = child(out);
        Path run = waitForIterations(p, out, 2);
        CliTest.Run busy = CliTest.run("train", "--resume", out.resolve("latest").toString());
        assertEquals(Main.EXIT_CONFIG, busy.exit(), busy.err());
        assertTrue(busy.err().contains(run + ": run is in progress in another process"), busy.err());
        assertEquals(java.util.Optional.empty(), org.tileloop.run.TrainingRun.interruptedNotice(out), "its holder is alive");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "SIGKILL");
        assertEquals("running", Json.MAPPER.readTree(run.resolve("manifest.json").toFile()).get("status").asText());
        int rowsAtKill = Files.readAllLines(run.resolve("iterations.csv")).size();
        assertTrue(rowsAtKill < 8, "killed mid-way, had " + rowsAtKill + " rows");
        assertTrue(org.tileloop.run.TrainingRun.interruptedNotice(out).orElseThrow().endsWith("tileloop train --resume " + run));

        CliTest.Run r = CliTest.run("train", "--resume", out.resolve("latest").toString());
        assertEquals(0, r.exit(), r.err());
        assertSameArtifacts(reference, run);
        assertEquals(run, out.resolve("latest").toRealPath(), "latest still names the run, not itself");
        JsonNode manifest = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
        assertEquals("completed", manifest.get("status").asText());
        assertEquals(96, manifest.get("measurements").asInt());
        JsonNode resume = manifest.get("resumes").get(0);
        assertTrue(resume.get("from_iteration").asInt() >= 1, manifest.toString());
        assertEquals("interrupted", resume.get("previous_status").asText(), manifest.toString());
    }

    @Test
    void sigtermStopsAtAnIterationBoundaryAsAbortedAndResumes() throws Exception {
        Path out = dir.resolve("stopped");
        Process p = child(out);
        Path run = waitForIterations(p, out, 1);
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(128 + 15, p.exitValue(), "the JVM exits 128+signal after the shutdown hook; "
                + Files.readString(out.resolveSibling("stopped.log")));
        JsonNode manifest = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
        assertEquals("aborted", manifest.get("status").asText());
        int completed = manifest.get("iterations_completed").asInt();
        assertTrue(completed >= 0 && completed < 6, manifest.toString());
        List<String> rows = Files.readAllLines(run.resolve("iterations.csv"));
        assertEquals(completed + 2, rows.size(), "every completed iteration is on disk, nothing half-written");
        assertTrue(Files.readString(run.resolve("summary.md")).contains("Aborted after iteration " + completed));

        assertEquals(0, CliTest.run("train", "--resume", run.getFileName().toString(), "--runs-dir", out.toString()).exit(),
                "a run id is looked up in --out");
        assertSameArtifacts(reference, run);
        CliTest.Run again = CliTest.run("train", "--resume", run.toString());
        assertEquals(Main.EXIT_CONFIG, again.exit());
        assertTrue(again.err().contains("already completed"), again.err());
    }

    @Test
    void stressConfigsShowActiveCountAndOrderPenalties() throws Exception {
        CliTest.Run c = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--config", "rigs/training/sim-tile4-count-stress.yaml",
                "--iterations", "1", "--runs-dir", dir.resolve("count").toString());
        assertEquals(0, c.exit(), c.err());
        List<String> count = Files.readAllLines(dir.resolve("count/latest/iterations.csv"));
        List<String> countTraces = Files.readAllLines(dir.resolve("count/latest/traces.csv"));
        for (int row = 1; row < count.size(); row++) {
            assertTrue(column(count, row, "count_train_ns2") > 20, count.get(row));
            assertTrue(column(count, row, "count_holdout_ns2") > 20, count.get(row));
            assertTrue(column(count, row, "pct_count") > 90, count.get(row));
            double sum = 0;
            int traces = 0;
            for (int t = 1; t < countTraces.size(); t++) {
                if (cell(countTraces, t, "iteration").equals(cell(count, row, "iteration"))
                        && cell(countTraces, t, "split").equals("train")) {
                    sum += Math.abs(Integer.parseInt(cell(countTraces, t, "spike_count")) - 12);
                    traces++;
                }
            }
            assertEquals(3 * 4, traces, "3 train traces x 4 channels");
            assertEquals(column(count, row, "count_train_ns2"), sum / 3, 1e-6, "the loss counts what traces.csv reports");
        }
        CliTest.Run o = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--config", "rigs/training/sim-tile4-order-stress.yaml",
                "--iterations", "2", "--runs-dir", dir.resolve("order").toString());
        assertEquals(0, o.exit(), o.err());
        List<String> order = Files.readAllLines(dir.resolve("order/latest/iterations.csv"));
        double first = column(order, 1, "order_train_ns2");
        assertTrue(first > 50, "5 ns margin against ~0.4 ns gaps: " + first);
        assertTrue(column(order, 1, "pct_order") > 95);
        assertTrue(column(order, 3, "order_train_ns2") < first - 0.5, "updates reduce the order penalty: " + order);
    }

    @Test
    void resumeRefusesAChangedRigFileAndExtraOptions() throws Exception {
        CliTest.Run r = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--resume", dir.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--resume continues a run"), r.err());
        CliTest.Run none = CliTest.run("train", "--resume", dir.toString());
        assertEquals(Main.EXIT_CONFIG, none.exit());
        assertTrue(none.err().contains("not a resumable run directory"), none.err());

        Path rig = dir.resolve("rig.yaml");
        Files.writeString(rig, Files.readString(Path.of("rigs/sim-tile4.yaml"))
                .replace("../simulated-rig/", Path.of("simulated-rig").toAbsolutePath() + "/"));
        Path cfg = dir.resolve("cfg.yaml");
        Files.copy(Path.of("rigs/training/sim-tile4.yaml"), cfg);
        CliTest.Run first = CliTest.run("train", "--rig", rig.toString(), "--config", cfg.toString(), "--iterations", "1",
                "--runs-dir", dir.resolve("runs").toString());
        assertEquals(0, first.exit(), first.err());
        Path run = dir.resolve("runs/latest").toRealPath();
        JsonNode m = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) m).put("status", "aborted");
        Files.write(run.resolve("manifest.json"), Json.MAPPER.writeValueAsBytes(m));
        Files.writeString(rig, Files.readString(rig).replace("timeout_s: 60", "timeout_s: 61"));
        CliTest.Run changed = CliTest.run("train", "--resume", run.toString());
        assertEquals(Main.EXIT_CONFIG, changed.exit());
        assertTrue(changed.err().contains("rig file changed since run"), changed.err());
    }

    @Test
    void spsaWithAdamAndRepeatsOnTheNoisyTileIsDeterministicAndEarlyStoppingEndsTheRun() throws Exception {
        Path cfg = dir.resolve("spsa.yaml");
        Files.writeString(cfg, Files.readString(Path.of("rigs/training/sim-tile4-noisy.yaml")).lines()
                .filter(l -> !l.startsWith("estimator:") && !l.startsWith("optimizer:") && !l.startsWith("max_step:"))
                .reduce("", (a, b) -> a + b + "\n") + "estimator: spsa\nspsa_c: 0.05\noptimizer: adam\nmax_step: 0.08\nrepeats: 2\n");
        for (String out : List.of("s1", "s2")) {
            CliTest.Run r = CliTest.run("train", "--rig", "rigs/sim-tile4-noisy.yaml", "--config", cfg.toString(), "--iterations", "4",
                    "--runs-dir", dir.resolve(out).toString());
            assertEquals(0, r.exit(), r.err());
        }
        Path a = dir.resolve("s1/latest").toRealPath();
        assertSameArtifacts(a, dir.resolve("s2/latest").toRealPath());
        JsonNode m = Json.MAPPER.readTree(a.resolve("manifest.json").toFile());
        assertEquals(4 * (3 * 2 * 3 + 3) + 6, m.get("measurements").asInt(), "SPSA: current point + one pair, each trace twice, + holdout");

        Files.writeString(cfg, Files.readString(cfg) + "patience: 1\nmin_improvement: 1000\n");
        CliTest.Run r = CliTest.run("train", "--rig", "rigs/sim-tile4-noisy.yaml", "--config", cfg.toString(), "--iterations", "10",
                "--runs-dir", dir.resolve("s3").toString());
        assertEquals(0, r.exit(), r.err());
        Path c = dir.resolve("s3/latest").toRealPath();
        JsonNode m3 = Json.MAPPER.readTree(c.resolve("manifest.json").toFile());
        assertEquals("completed", m3.get("status").asText());
        assertTrue(m3.get("reason").asText().startsWith("early stop after iteration 1"), m3.get("reason").asText());
        assertEquals(3, Files.readAllLines(c.resolve("iterations.csv")).size(), "iterations 0 and 1, then stopped");
    }

    @Test
    void theMultiPatternTimingTaskTrainsAndItsHoldoutLossFalls() throws Exception {
        CliTest.Run r = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--config", "rigs/training/sim-tile4-patterns.yaml",
                "--iterations", "2", "--runs-dir", dir.resolve("p").toString());
        assertEquals(0, r.exit(), r.err());
        Path run = dir.resolve("p/latest").toRealPath();
        List<String> rows = Files.readAllLines(run.resolve("iterations.csv"));
        assertTrue(column(rows, 3, "loss_holdout_ns2") < 0.01 * column(rows, 1, "loss_holdout_ns2"), rows.toString());
        List<String> traces = Files.readAllLines(run.resolve("traces.csv"));
        assertTrue(traces.get(0).endsWith(",pattern"));
        assertEquals(1 + 3 * 8 * 4, traces.size(), "iterations x 8 patterns x 4 channels");
        assertTrue(traces.stream().anyMatch(l -> l.endsWith(",holdout,") || l.endsWith(",mid-in1")), "pattern names logged");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of("rigs/training/sim-tile4-patterns.yaml")).replace("iin1_amp: 1.3", "iin_amp: 1.3"));
        CliTest.Run refused = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--config", bad.toString(), "--runs-dir", dir.resolve("q").toString());
        assertEquals(Main.EXIT_CONFIG, refused.exit());
        assertTrue(refused.err().contains("bad.yaml: patterns[3].set: pattern weak-in1: 'iin_amp' is trained"), refused.err());
        Files.writeString(bad, Files.readString(Path.of("rigs/training/sim-tile4-patterns.yaml")).replace("iin1_amp: 1.75", "iin1_amp: 2.5"));
        refused = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--config", bad.toString(), "--runs-dir", dir.resolve("q").toString());
        assertEquals(Main.EXIT_CONFIG, refused.exit());
        assertTrue(refused.err().contains("iin1_amp = 2.5 is outside the allowed range"), refused.err());
    }

    @Test
    void derivativeFreeOptimizersDriveTheSameRigLossAndArtifacts() throws Exception {
        Path cfg = dir.resolve("bobyqa.yaml");
        Files.writeString(cfg, Files.readString(Path.of("rigs/training/sim-tile4.yaml")).lines()
                .filter(l -> !l.startsWith("estimator:") && !l.startsWith("optimizer:") && !l.startsWith("max_step:")
                        && !l.startsWith("eval_every:") && !l.startsWith("iterations:"))
                .reduce("", (a, b) -> a + b + "\n") + "optimizer: bobyqa\ndfo_step: 0.15\niterations: 12\neval_every: 6\n");
        CliTest.Run r = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--config", cfg.toString(), "--runs-dir", dir.resolve("b").toString());
        assertEquals(0, r.exit(), r.err());
        Path run = dir.resolve("b/latest").toRealPath();
        List<String> rows = Files.readAllLines(run.resolve("iterations.csv"));
        assertEquals(1 + 13, rows.size(), "12 evaluations + the best point with its holdout");
        assertTrue(column(rows, 13, "loss_train_ns2") < 0.1 * column(rows, 1, "loss_train_ns2"), rows.toString());
        assertTrue(column(rows, 13, "loss_holdout_ns2") < column(rows, 1, "loss_holdout_ns2"));
        JsonNode m = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
        assertEquals(12 * 3 + 2 * 3 + 3 + 3, m.get("measurements").asInt(), "3 train traces per evaluation, holdout at 0, 6 and the end");
        assertTrue(m.get("reason").asText().startsWith("bobyqa finished"), m.toString());
    }
}
