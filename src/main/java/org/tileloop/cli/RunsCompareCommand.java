package org.tileloop.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.tileloop.input.BadInputException;
import org.tileloop.plot.LossComparisonChart;
import org.tileloop.run.LossHistory;
import org.tileloop.run.RunCatalog;
import org.tileloop.run.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare runs in a table and on one chart of train loss against measurements spent.",
                "The table gives, per run, losses (ns²) and the measurements it took to reach the worst of the runs' final train"
                        + " losses; the chart (SVG, log loss axis) draws every run's train loss against its cumulative measurements."})
final class RunsCompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunsCommand.RunsDir runs;

    @Parameters(arity = "2..*", paramLabel = "ID", description = "Two or more runs: an id, a unique prefix of it, latest, or a directory.")
    List<String> ids;

    @Option(names = "--out", paramLabel = "FILE.svg",
            description = "Where to write the chart (default: compare-<id>-vs-<id>....svg in the runs directory).")
    Path out;

    @Option(names = "--json", description = "One JSON object (target loss, chart path, one entry per run) instead of the table.")
    boolean json;

    /** One compared run. */
    private record Compared(RunSummary run, LossHistory history) {
    }

    @Override
    public Integer call() throws IOException {
        RunCatalog catalog = runs.catalog();
        Map<String, Compared> byId = new LinkedHashMap<>();
        for (String id : ids) {
            RunSummary r = catalog.find(id);
            LossHistory h = LossHistory.read(r.dir());
            if (h.rows().isEmpty()) {
                throw new BadInputException(RunsCommand.display(r.dir()) + ": run " + r.runId() + " has no completed iteration to compare");
            }
            byId.putIfAbsent(r.runId(), new Compared(r, h));
        }
        List<Compared> compared = List.copyOf(byId.values());
        double targetNs2 = compared.stream().mapToDouble(c -> c.history().last().orElseThrow().trainNs2()).max().orElseThrow();
        Path chart = out != null ? out : catalog.runsDir().resolve(defaultName(compared));
        List<LossComparisonChart.Series> series = compared.stream().map(RunsCompareCommand::series).toList();
        if (chart.getParent() != null) {
            Files.createDirectories(chart.getParent());
        }
        Files.writeString(chart, LossComparisonChart.svg("Train loss against measurements", series), StandardCharsets.UTF_8);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            ObjectNode result = Json.MAPPER.createObjectNode();
            result.put("target_loss_train_ns2", targetNs2);
            result.put("chart", RunsCommand.display(chart));
            for (Compared c : compared) {
                ObjectNode r = result.withArray("runs").addObject();
                r.put("run_id", c.run().runId());
                r.put("method", c.run().method());
                r.put("measurements", c.run().measurements());
                r.setAll(losses(c.run()));
                r.put("loss_train_best_ns2", c.history().bestTrainNs2().getAsDouble());
                r.put("measurements_to_target", c.history().measurementsToReach(targetNs2).getAsLong());
            }
            o.println(Json.MAPPER.writeValueAsString(result));
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"id", "method", "measurements", "train_start_ns2", "train_end_ns2", "holdout_start_ns2",
                    "holdout_end_ns2", "best_train_ns2", "measurements_to_target"});
            for (Compared c : compared) {
                RunSummary r = c.run();
                OptionalLong toTarget = c.history().measurementsToReach(targetNs2);
                rows.add(new String[] {r.runId(), r.method(), Long.toString(r.measurements()), RunsCommand.sig4(r.trainStartNs2()),
                        RunsCommand.sig4(r.trainEndNs2()), RunsCommand.sig4(r.holdoutStartNs2()), RunsCommand.sig4(r.holdoutEndNs2()),
                        RunsCommand.sig4(c.history().bestTrainNs2()), Long.toString(toTarget.getAsLong())});
            }
            RunsCommand.printTable(o, rows);
            o.println();
            o.println("target: train loss " + RunsCommand.sig4(targetNs2) + " ns² (the worst final train loss of these runs)");
            o.println("chart: " + RunsCommand.display(chart));
        }
        o.flush();
        return 0;
    }

    private static ObjectNode losses(RunSummary r) {
        ObjectNode all = r.json();
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (String k : List.of("loss_train_start_ns2", "loss_train_end_ns2", "loss_holdout_start_ns2", "loss_holdout_end_ns2")) {
            o.set(k, all.get(k));
        }
        return o;
    }

    private static LossComparisonChart.Series series(Compared c) {
        List<LossHistory.Row> rows = c.history().rows();
        return new LossComparisonChart.Series(c.run().runId() + " (" + c.run().method() + ")",
                rows.stream().mapToDouble(LossHistory.Row::measurements).toArray(),
                rows.stream().mapToDouble(LossHistory.Row::trainNs2).toArray());
    }

    /** {@code compare-<id>-vs-<id>....svg}; past six runs, the first id and how many more. */
    private static String defaultName(List<Compared> compared) {
        List<String> ids = compared.stream().map(c -> c.run().runId()).toList();
        return "compare-" + (ids.size() <= 6 ? String.join("-vs-", ids) : ids.get(0) + "-vs-" + (ids.size() - 1) + "-more") + ".svg";
    }
}
