package org.tileloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tileloop.input.StrictInput;
import org.tileloop.run.RunCatalog;
import org.tileloop.run.RunStatus;
import org.tileloop.run.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "runs", mixinStandardHelpOptions = true,
        description = {"List, inspect, compare and remove the training runs of a runs directory.",
                "Runs are read from their directories (manifest.json), so runs made before runs/index.jsonl existed are included."},
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCompareCommand.class, RunsRemoveCommand.class})
final class RunsCommand {

    /** The option every runs subcommand has. */
    static final class RunsDir {
        @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs", description = "Runs directory (default ${DEFAULT-VALUE}).")
        Path dir;

        RunCatalog catalog() {
            return new RunCatalog(dir);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the runs of a runs directory, oldest first.",
                    "Columns: id, rig, method, status, last completed iteration, train loss at the start and end (ns²),"
                            + " calibration id, start time (UTC)."})
    static final class ListRuns implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RunsDir runs;

        @Option(names = "--rig", paramLabel = "RIG", description = "Only runs of this rig: its id, or its rig file.")
        String rig;

        @Option(names = "--status", paramLabel = "STATUS", converter = StatusConverter.class,
                description = "Only runs with this status: running, completed, paused, aborted, failed or interrupted.")
        RunStatus status;

        @Option(names = "--json", description = "One JSON object per run per line instead of a table.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            String rigId = rig == null ? null : RigArgument.id(rig);
            RunCatalog.Listing listing = runs.catalog().list();
            PrintWriter out = spec.commandLine().getOut();
            warnSkipped(spec, listing);
            List<RunSummary> shown = listing.runs().stream().filter(r -> rigId == null || r.rig().filter(rigId::equals).isPresent())
                    .filter(r -> status == null || r.status() == status).toList();
            if (json) {
                for (RunSummary r : shown) {
                    out.println(Json.MAPPER.writeValueAsString(r.json()));
                }
            } else if (shown.isEmpty()) {
                out.println("no runs in " + display(runs.dir) + (listing.runs().isEmpty() ? "" : " match"));
            } else {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"id", "rig", "method", "status", "iterations", "train_loss_ns2 start → end", "calibration",
                        "started"});
                for (RunSummary r : shown) {
                    rows.add(new String[] {r.runId(), r.rig().orElse("-"), r.method(), r.status().wire(),
                            r.iterations().isPresent() ? Integer.toString(r.iterations().getAsInt()) : "-",
                            sig4(r.trainStartNs2()) + " → " + sig4(r.trainEndNs2()), r.calibrationId().orElse("-"),
                            r.started().map(RunsCommand::time).orElse("-")});
                }
                printTable(out, rows);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show one run: its manifest essentials, losses, files and summary.",
                    "Name the run by its id, a unique prefix of it, latest, or its directory."})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RunsDir runs;

        @Parameters(index = "0", paramLabel = "ID", description = "The run: its id, a unique prefix of it, latest, or its directory.")
        String id;

        @Option(names = "--json", description = "One JSON object (the list fields, manifest essentials, files, summary.md).")
        boolean json;

        @Override
        public Integer call() throws IOException {
            RunSummary r = runs.catalog().find(id);
            JsonNode m = StrictInput.jsonFile(r.dir().resolve(RunSummary.MANIFEST), "run manifest");
            List<String> files;
            try (Stream<Path> entries = Files.list(r.dir())) {
                files = entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.endsWith(".tmp")).sorted().toList();
            }
            Path summaryFile = r.dir().resolve("summary.md");
            String summary = Files.isRegularFile(summaryFile) ? StrictInput.readText(summaryFile, "run summary") : null;
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = r.json();
                o.put("directory", display(r.dir()));
                o.put("rig_file", rigFile(m, r).map(RunsCommand::display).orElse(null));
                for (String key : List.of("config_file", "command_line", "calibration_id_end")) {
                    o.put(key, m.path(key).isTextual() ? display(m.get(key).asText()) : null);
                }
                o.set("seed", m.path("seed").isIntegralNumber() ? m.get("seed") : null);
                o.put("resumes", m.path("resumes").size());
                files.forEach(o.putArray("files")::add);
                o.put("summary_md", summary);
                out.println(Json.MAPPER.writeValueAsString(o));
                out.flush();
                return 0;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"run", r.runId() + " (" + display(r.dir()) + ")"});
            rows.add(new String[] {"rig", r.rig().orElse("-") + " (" + rigFile(m, r).map(RunsCommand::display).orElse("-") + ")"});
            rows.add(new String[] {"config", display(m.path("config_file").asText("-"))});
            rows.add(new String[] {"method", r.method()});
            rows.add(new String[] {"seed", m.path("seed").asText("-")});
            rows.add(new String[] {"status", r.status().wire() + r.reason().map(s -> " (" + display(s) + ")").orElse("")});
            rows.add(new String[] {"started", r.started().map(RunsCommand::time).orElse("-")});
            rows.add(new String[] {"ended", r.ended().map(RunsCommand::time).orElse("-")});
            rows.add(new String[] {"iterations", r.iterations().isPresent() ? Integer.toString(r.iterations().getAsInt()) : "-"});
            rows.add(new String[] {"measurements", Long.toString(r.measurements())});
            rows.add(new String[] {"calibration", r.calibrationId().orElse("-") + (m.path("calibration_id_end").isTextual()
                    && !m.get("calibration_id_end").asText().equals(r.calibrationId().orElse("")) ? " → " + m.get("calibration_id_end").asText() : "")});
            rows.add(new String[] {"resumes", Integer.toString(m.path("resumes").size())});
            rows.add(new String[] {"command", display(m.path("command_line").asText("-"))});
            rows.add(new String[] {"train_loss_ns2", sig4(r.trainStartNs2()) + " → " + sig4(r.trainEndNs2())});
            rows.add(new String[] {"holdout_loss_ns2", sig4(r.holdoutStartNs2()) + " → " + sig4(r.holdoutEndNs2())});
            rows.add(new String[] {"files", String.join(", ", files)});
            printTable(out, rows);
            if (summary != null) {
                out.println();
                out.print(summary);
            }
            out.flush();
            return 0;
        }
    }

    /** Parses a status name as written in manifests. */
    static final class StatusConverter implements CommandLine.ITypeConverter<RunStatus> {
        @Override
        public RunStatus convert(String value) {
            return RunStatus.fromWire(value.toLowerCase(Locale.ROOT)).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "'" + StrictInput.printable(value) + "' is not a run status (one of "
                            + String.join(", ", Arrays.stream(RunStatus.values()).map(RunStatus::wire).toList()) + ")"));
        }
    }

    /** A rig id as given, or the id of the rig file given ({@code .yaml}, {@code .yml}). */

    static void warnSkipped(CommandSpec spec, RunCatalog.Listing listing) {
        for (String s : listing.skipped()) {
            spec.commandLine().getErr().println("warning: " + display(s) + "; not listed");
        }
        spec.commandLine().getErr().flush();
    }

    /** Four significant figures, {@code -} when unknown. */
    private static java.util.Optional<Path> rigFile(JsonNode m, RunSummary r) {
        try {
            return org.tileloop.run.ManifestPaths.recorded(m, "rig_file", r.dir(), r.dir().resolve(RunSummary.MANIFEST));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    static String sig4(OptionalDouble v) {
        return v.isPresent() ? sig4(v.getAsDouble()) : "-";
    }

    static String sig4(double v) {
        return org.tileloop.rig.Numbers.sig(v);
    }

    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@code path} relative to the current directory when it lies under it. */
    static String display(Path path) {
        return org.tileloop.input.ShownPath.of(path).toString();
    }

    /** {@code text} with the current directory's absolute path (and its separator) taken out. */
    static String display(String text) {
        String cwd = Path.of("").toAbsolutePath().toString();
        return cwd.equals("/") ? text : text.replace(cwd + "/", "");
    }

    /** Rows as left-aligned columns two spaces apart. */
    static void printTable(PrintWriter out, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].codePointCount(0, r[c].length()));
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                line.append(r[c]);
                if (c < r.length - 1) {
                    line.append(" ".repeat(width[c] - r[c].codePointCount(0, r[c].length()) + 2));
                }
            }
            out.println(line);
        }
    }
}
