package org.tileloop.run;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tileloop.plot.Palette;
import org.tileloop.plot.RunCharts;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigDescription;
import org.tileloop.train.LossTerms;
import org.tileloop.train.TrainingConfig;

/**
 * Writes a run's charts: {@code loss.svg} (from its {@link RunRecord.Outcome}),
 * {@code parameters.svg} (from the {@code param_} columns of {@code iterations.csv}) and, for a
 * classification config, {@code accuracy.svg}; each titled with the run id and the method. A run
 * without a completed iteration gets {@code loss.svg} only.
 */
final class RunPlots {

    static final String LOSS = "loss.svg";
    static final String PARAMETERS = "parameters.svg";
    static final String ACCURACY = "accuracy.svg";

    private RunPlots() {
    }

    static void write(Path dir, String runId, TrainingConfig config, RigDescription rig, RunRecord.Outcome o) throws IOException {
        String title = runId + " · " + method(config);
        Files.writeString(dir.resolve(LOSS), loss(title, o), StandardCharsets.UTF_8);
        List<Map<String, String>> rows = rows(dir.resolve(RunState.ITERATIONS));
        if (rows.isEmpty()) {
            return;
        }
        Files.writeString(dir.resolve(PARAMETERS), parameters(title, rig, rows), StandardCharsets.UTF_8);
        if (classification(config)) {
            Files.writeString(dir.resolve(ACCURACY), RunCharts.accuracy(title,
                    new RunCharts.Line("train accuracy", Palette.TRAIN, column(rows, "accuracy_train")),
                    new RunCharts.Line("holdout accuracy", Palette.HOLDOUT, column(rows, "accuracy_holdout"))), StandardCharsets.UTF_8);
        }
    }

    /** How the run trains, named as everywhere else (catalog, index): {@code forward+gauss_newton}, {@code cmaes}. */
    static String method(TrainingConfig config) {
        return RunSummary.method(config.estimation().estimator(), config.optimization().optimizer());
    }

    /** Whether the config's patterns carry class labels (then the trainer reports accuracy). */
    static boolean classification(TrainingConfig config) {
        return config.task().patterns().stream().anyMatch(p -> p.classLabel().isPresent());
    }

    private static String loss(String title, RunRecord.Outcome o) {
        int n = o.train().size();
        double[] train = new double[n];
        double[] holdout = new double[n];
        double[][] terms = new double[LossTerms.NAMES.size()][n];
        for (int k = 0; k < n; k++) {
            train[k] = o.train().get(k).total();
            holdout[k] = o.holdout().get(k) == null ? Double.NaN : o.holdout().get(k).total();
            double[] v = o.train().get(k).values();
            for (int t = 0; t < v.length; t++) {
                terms[t][k] = v[t];
            }
        }
        List<RunCharts.Line> drawn = new ArrayList<>();
        for (int t = 0; t < terms.length; t++) {
            if (Arrays.stream(terms[t]).anyMatch(v -> v > 0)) {
                drawn.add(new RunCharts.Line("train " + LossTerms.NAMES.get(t), Palette.term(t), terms[t]));
            }
        }
        return RunCharts.loss(title, new RunCharts.Line("train loss", Palette.TRAIN, train),
                new RunCharts.Line("holdout loss", Palette.HOLDOUT, holdout), drawn);
    }

    private static String parameters(String title, RigDescription rig, List<Map<String, String>> rows) {
        List<RunCharts.Parameter> out = new ArrayList<>();
        for (String column : rows.get(0).keySet()) {
            if (column.startsWith("param_")) {
                ParameterSpec p = rig.parameter(column.substring("param_".length())).orElseThrow();
                out.add(new RunCharts.Parameter(label(p), p.min(), p.max(), column(rows, column)));
            }
        }
        return RunCharts.parameters(title, out);
    }

    /** {@code r_fb (Ω)}; a dimensionless parameter has no unit. */
    static String label(ParameterSpec p) {
        String unit = switch (p.unit()) {
            case "ohm" -> "Ω";
            case "1" -> "";
            default -> p.unit();
        };
        return unit.isEmpty() ? p.name() : p.name() + " (" + unit + ")";
    }

    private static double[] column(List<Map<String, String>> rows, String name) {
        return rows.stream().mapToDouble(r -> {
            String v = r.getOrDefault(name, "");
            return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        }).toArray();
    }

    private static List<Map<String, String>> rows(Path csv) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv.toFile())) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
