package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.plot.Palette;
import org.tileloop.run.RunIndex;
import picocli.CommandLine;

/** The runs catalog on two real 2-iteration runs of rigs/sim-tile4.yaml: Gauss–Newton (the default config) and central FD. */
class RunsCommandTest {

    @TempDir
    static Path shared;

    static Path runs;
    static Path gaussNewton;
    static Path central;

    @TempDir
    Path dir;

    @BeforeAll
    static void twoRuns() throws Exception {
        runs = shared.resolve("runs");
        Path centralConfig = shared.resolve("central.yaml");
        String config = Files.readString(Path.of("rigs/training/sim-tile4.yaml"));
        Files.writeString(centralConfig, config.replaceFirst("(?m)^estimator:.*$", "estimator: central")
                .replaceFirst("(?m)^optimizer:.*\n", ""));
        gaussNewton = train(runs);
        central = train(runs, "--config", centralConfig.toString());
    }

    static Path train(Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "rigs/sim-tile4.yaml", "--iterations", "2", "--out", out.toString()));
        args.addAll(List.of(extra));
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return out.resolve("latest").toRealPath();
    }

    /** A copy of the shared runs directory, for a test that changes it. */
    Path copyOfRuns() throws Exception {
        Path copy = dir.resolve("runs");
        try (Stream<Path> all = Files.walk(runs)) {
            for (Path p : all.toList()) {
                Path target = copy.resolve(runs.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    /** A copy of {@code run} in {@code runsDir} whose manifest says running, started after the others. */
    static Path runningCopy(Path runsDir, Path run, String id) throws Exception {
        Path d = runsDir.resolve(id);
        Files.createDirectory(d);
        try (Stream<Path> files = Files.list(run)) {
            for (Path f : files.toList()) {
                Files.copy(f, d.resolve(f.getFileName()));
            }
        }
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(d.resolve("manifest.json").toFile());
        m.put("run_id", id).put("status", "running").put("start_time", "2099-01-01T00:00:00Z").remove(List.of("end_time", "reason"));
        Files.write(d.resolve("manifest.json"), Json.MAPPER.writeValueAsBytes(m));
        return d;
    }

    static List<String> rows(Path run) throws Exception {
        return Files.readAllLines(run.resolve("iterations.csv"));
    }

    static String sig4(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    static String id(Path run) {
        return run.getFileName().toString();
    }

    @Test
    void listShowsEveryRunWithItsStatusOldestFirstAndFilters() throws Exception {
        Path copy = copyOfRuns();
        Path interrupted = runningCopy(copy, gaussNewton, "20990101T000000Z-0000000a");
        Path live = runningCopy(copy, central, "20990101T000001Z-0000000b");
        try (FileChannel ch = FileChannel.open(live.resolve(".lock"), StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            CliTest.Run all = CliTest.run("runs", "list", "--runs-dir", copy.toString());
            assertEquals(0, all.exit(), all.err());
            List<String> lines = all.out().lines().toList();
            assertEquals(5, lines.size(), all.out());
            assertTrue(lines.get(0).matches("id +rig +method +status +iterations +train_loss_ns2 start → end +calibration +started"), lines.get(0));
            List<String> gn = rows(gaussNewton);
            assertTrue(lines.get(1).matches(id(gaussNewton) + " +sim-tile4 +forward\\+gauss_newton +completed +2 +"
                    + Pattern.quote(sig4(TrainCommandTest.column(gn, 1, "loss_train_ns2")) + " → "
                    + sig4(TrainCommandTest.column(gn, 3, "loss_train_ns2"))) + " +identity +20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), lines.get(1));
            assertTrue(lines.get(2).matches(id(central) + " +sim-tile4 +central\\+normalized +completed +2 .*"), lines.get(2));
            assertTrue(lines.get(3).matches(id(interrupted) + " .* interrupted .*"), lines.get(3));
            assertTrue(lines.get(4).matches(id(live) + " .* running .*"), lines.get(4));

            CliTest.Run onlyInterrupted = CliTest.run("runs", "list", "--runs-dir", copy.toString(), "--status", "interrupted");
            assertEquals(2, onlyInterrupted.out().lines().count(), onlyInterrupted.out());
            assertTrue(onlyInterrupted.out().contains(id(interrupted)), onlyInterrupted.out());
        }
        CliTest.Run released = CliTest.run("runs", "list", "--runs-dir", copy.toString(), "--status", "interrupted", "--json");
        List<JsonNode> json = new ArrayList<>();
        for (String l : released.out().lines().toList()) {
            json.add(Json.MAPPER.readTree(l));
        }
        assertEquals(List.of(id(interrupted), id(live)), json.stream().map(j -> j.get("run_id").asText()).toList(),
                "a run no process holds any more is interrupted");

        CliTest.Run byRigFile = CliTest.run("runs", "list", "--runs-dir", runs.toString(), "--rig", "rigs/sim-tile4.yaml", "--json");
        List<String> objects = byRigFile.out().lines().toList();
        assertEquals(2, objects.size(), byRigFile.out() + byRigFile.err());
        JsonNode first = Json.MAPPER.readTree(objects.get(0));
        List<String> gn = rows(gaussNewton);
        assertEquals(id(gaussNewton), first.get("run_id").asText());
        assertEquals("forward+gauss_newton", first.get("method").asText());
        assertEquals(2, first.get("iterations").asInt());
        assertEquals(Long.parseLong(TrainCommandTest.cell(gn, 3, "measurements")), first.get("measurements").asLong());
        assertEquals(TrainCommandTest.column(gn, 1, "loss_train_ns2"), first.get("loss_train_start_ns2").asDouble());
        assertEquals(TrainCommandTest.column(gn, 3, "loss_holdout_ns2"), first.get("loss_holdout_end_ns2").asDouble());
        assertEquals("identity", first.get("calibration_id").asText());

        CliTest.Run otherRig = CliTest.run("runs", "list", "--runs-dir", runs.toString(), "--rig", "digital-detector");
        assertEquals("no runs in " + runs + " match", otherRig.out().strip());
        CliTest.Run badStatus = CliTest.run("runs", "list", "--runs-dir", runs.toString(), "--status", "done");
        assertEquals(2, badStatus.exit());
        assertTrue(badStatus.err().contains("'done' is not a run status (one of running, completed, paused, aborted, failed, interrupted)"),
                badStatus.err());
    }

    @Test
    void showPrintsTheManifestEssentialsLossesFilesAndSummary() throws Exception {
        CliTest.Run show = CliTest.run("runs", "show", "latest", "--runs-dir", runs.toString());
        assertEquals(0, show.exit(), show.err());
        List<String> c = rows(central);
        String out = show.out();
        for (String expected : List.of("run               " + id(central) + " (" + central + ")",
                "rig               sim-tile4 (rigs/sim-tile4.yaml)",
                "method            central+normalized", "seed              1", "status            completed (reached 2 iterations)",
                "iterations        2", "measurements      " + TrainCommandTest.cell(c, 3, "measurements"), "calibration       identity",
                "command           tileloop train rigs/sim-tile4.yaml --iterations 2 --out " + runs + " --config "
                        + shared.resolve("central.yaml"),
                "train_loss_ns2    " + sig4(TrainCommandTest.column(c, 1, "loss_train_ns2")) + " → "
                        + sig4(TrainCommandTest.column(c, 3, "loss_train_ns2")),
                "files             iterations.csv, loss.svg, manifest.json, parameters.svg, state.json, summary.md, traces.csv")) {
            assertTrue(out.lines().anyMatch(expected::equals), "missing line '" + expected + "' in:\n" + out);
        }
        assertTrue(out.endsWith("\n" + Files.readString(central.resolve("summary.md"))), out);

        CliTest.Run byPrefix = CliTest.run("runs", "show", id(gaussNewton).substring(0, 22), "--runs-dir", runs.toString(), "--json");
        JsonNode j = Json.MAPPER.readTree(byPrefix.out());
        assertEquals(id(gaussNewton), j.get("run_id").asText());
        assertEquals(1, j.get("seed").asInt());
        assertEquals("rigs/sim-tile4.yaml", j.get("rig_file").asText());
        assertEquals(Files.readString(gaussNewton.resolve("summary.md")), j.get("summary_md").asText());

        CliTest.Run unknown = CliTest.run("runs", "show", "20200101T000000Z-ffffffff", "--runs-dir", runs.toString());
        assertEquals(2, unknown.exit());
        assertEquals("error: '20200101T000000Z-ffffffff': no such run in " + runs + "; name a run by its id (as in 'tileloop runs list'),"
                + " a unique prefix of it, 'latest', or its directory", unknown.err().strip());
    }

    @Test
    void compareDrawsCentralAndGaussNewtonOnOneLogChartAgainstMeasurements() throws Exception {
        Path copy = copyOfRuns();
        CliTest.Run cmp = CliTest.run("runs", "compare", id(central), id(gaussNewton), "--runs-dir", copy.toString());
        assertEquals(0, cmp.exit(), cmp.err());
        List<List<String>> table = new ArrayList<>(cmp.out().lines().map(l -> List.of(l.split(" {2,}"))).toList());
        assertEquals(List.of("id", "method", "measurements", "train_start_ns2", "train_end_ns2", "holdout_start_ns2", "holdout_end_ns2",
                "best_train_ns2", "measurements_to_target"), table.get(0));
        List<String> c = rows(central);
        List<String> g = rows(gaussNewton);
        double target = Math.max(TrainCommandTest.column(c, 3, "loss_train_ns2"), TrainCommandTest.column(g, 3, "loss_train_ns2"));
        int k = 1;
        for (Path run : List.of(central, gaussNewton)) {
            List<String> r = rows(run);
            double best = Double.POSITIVE_INFINITY;
            String toTarget = null;
            for (int i = 1; i < r.size(); i++) {
                best = Math.min(best, TrainCommandTest.column(r, i, "loss_train_ns2"));
                if (toTarget == null && TrainCommandTest.column(r, i, "loss_train_ns2") <= target) {
                    toTarget = TrainCommandTest.cell(r, i, "measurements");
                }
            }
            assertEquals(List.of(id(run), run == central ? "central+normalized" : "forward+gauss_newton", TrainCommandTest.cell(r, 3, "measurements"),
                    sig4(TrainCommandTest.column(r, 1, "loss_train_ns2")), sig4(TrainCommandTest.column(r, 3, "loss_train_ns2")),
                    sig4(TrainCommandTest.column(r, 1, "loss_holdout_ns2")), sig4(TrainCommandTest.column(r, 3, "loss_holdout_ns2")),
                    sig4(best), toTarget), table.get(k++));
        }
        Path svg = copy.resolve("compare-" + id(central) + "-vs-" + id(gaussNewton) + ".svg");
        assertTrue(cmp.out().contains("chart: " + svg + "\n"), cmp.out());
        String doc = Files.readString(svg);

        List<String> legend = SvgGeometry.texts(doc).stream().filter(t -> t.matches("\\d{8}T.* \\(.*\\)")).toList();
        assertEquals(List.of(id(central) + " (central+normalized)", id(gaussNewton) + " (forward+gauss_newton)"), legend);
        double axisLabelY = SvgGeometry.textY(doc, "measurements");
        List<double[]> points = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            List<String> r = rows(s == 0 ? central : gaussNewton);
            List<double[]> markers = SvgGeometry.markers(doc, Palette.series(s)).stream().filter(p -> p[1] < axisLabelY).toList();
            assertEquals(r.size() - 1, markers.size(), "one marker per iteration of series " + s);
            for (int i = 0; i < markers.size(); i++) {
                points.add(markers.get(i));
                values.add(new double[] {TrainCommandTest.column(r, i + 1, "measurements"), TrainCommandTest.column(r, i + 1, "loss_train_ns2")});
            }
        }
        double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
        assertTrue(SvgGeometry.fitResidual(values.stream().mapToDouble(v -> v[0]).toArray(), x) < 0.5, "x is linear in measurements");
        assertTrue(SvgGeometry.fitResidual(values.stream().mapToDouble(v -> Math.log10(v[1])).toArray(), y) < 0.5,
                "y is linear in log10(loss) for both runs: one log axis");
        assertTrue(SvgGeometry.fitResidual(values.stream().mapToDouble(v -> v[1]).toArray(), y) > 20, "y is not linear in the loss itself");

        CliTest.Run again = CliTest.run("runs", "compare", id(central), id(gaussNewton), "--runs-dir", copy.toString(),
                "--out", dir.resolve("again.svg").toString(), "--json");
        assertArrayEquals(Files.readAllBytes(svg), Files.readAllBytes(dir.resolve("again.svg")), "the same runs give the same chart");
        JsonNode j = Json.MAPPER.readTree(again.out());
        assertEquals(target, j.get("target_loss_train_ns2").asDouble());
        assertEquals(Long.parseLong(TrainCommandTest.cell(g, 3, "measurements")), j.get("runs").get(1).get("measurements").asLong());
    }

    @Test
    void rmRemovesOnlyWhatWasConfirmedRefusesALiveRunAndMovesLatest() throws Exception {
        Path copy = copyOfRuns();
        CliTest.Run declined = withInput("n\n", "runs", "rm", id(gaussNewton), "--runs-dir", copy.toString());
        assertEquals(0, declined.exit(), declined.err());
        assertTrue(declined.err().startsWith("remove 1 run(s) from " + copy + " (" + id(gaussNewton) + ")? [y/N] "), declined.err());
        assertTrue(declined.err().contains("nothing removed"), declined.err());
        assertTrue(Files.isDirectory(copy.resolve(id(gaussNewton))));
        CliTest.Run noAnswer = withInput("", "runs", "rm", id(gaussNewton), "--runs-dir", copy.toString());
        assertTrue(noAnswer.err().contains("nothing removed") && Files.isDirectory(copy.resolve(id(gaussNewton))), noAnswer.err());

        Path live = runningCopy(copy, central, "20990101T000000Z-0000000c");
        try (FileChannel ch = FileChannel.open(live.resolve(".lock"), StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            CliTest.Run refused = withInput("y\n", "runs", "rm", id(gaussNewton), id(live), "--runs-dir", copy.toString());
            assertEquals(2, refused.exit());
            assertEquals("error: " + live + ": run " + id(live) + " is running in a live process; stop it first; nothing was removed",
                    refused.err().strip());
            assertTrue(Files.isDirectory(copy.resolve(id(gaussNewton))) && Files.isDirectory(live));
        }
        CliTest.Run confirmed = withInput("y\n", "runs", "rm", "latest", id(live), "--runs-dir", copy.toString());
        assertEquals(0, confirmed.exit(), confirmed.err());
        assertEquals("removed " + id(central) + "\nremoved " + id(live) + "\n", confirmed.out());
        assertFalse(Files.exists(copy.resolve(id(central))) || Files.exists(live));
        assertEquals(copy.resolve(id(gaussNewton)).toRealPath(), copy.resolve("latest").toRealPath(), "latest moves to the newest run left");
        List<ObjectNode> index = RunIndex.read(copy);
        assertEquals(List.of("removed " + id(central), "removed " + id(live)), index.subList(index.size() - 2, index.size()).stream()
                .map(l -> l.get("event").asText() + " " + l.get("run_id").asText()).toList());

        CliTest.Run yes = CliTest.run("runs", "rm", id(gaussNewton), "--yes", "--runs-dir", copy.toString());
        assertEquals(0, yes.exit(), yes.err());
        assertFalse(Files.exists(copy.resolve(id(gaussNewton))));
        assertFalse(Files.exists(copy.resolve("latest"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "no run left: no latest");
        assertEquals("no runs in " + copy, CliTest.run("runs", "list", "--runs-dir", copy.toString()).out().strip());
    }

    @Test
    void everyRunsCommandIsDescribedByOneSentenceAndEveryOptionDocumented() {
        CommandLine runsCommand = Main.commandLine().getSubcommands().get("runs");
        List<CommandLine> all = new ArrayList<>(List.of(runsCommand));
        all.addAll(runsCommand.getSubcommands().values());
        assertEquals(List.of("list", "show", "compare", "rm"), List.copyOf(runsCommand.getSubcommands().keySet()));
        for (CommandLine c : all) {
            String first = c.getCommandSpec().usageMessage().description()[0];
            assertTrue(first.matches("[A-Z](?!.*\\. [A-Z]).*[^.]\\."), c.getCommandName() + ": " + first);
            c.getCommandSpec().options().forEach(o -> assertTrue(o.description().length > 0 && !o.description()[0].isBlank(),
                    c.getCommandName() + " " + o.longestName()));
        }
    }

    static CliTest.Run withInput(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return CliTest.run(args);
        } finally {
            System.setIn(saved);
        }
    }
}
