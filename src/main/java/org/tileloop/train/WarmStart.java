package org.tileloop.train;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tileloop.input.BadInputException;
import org.tileloop.input.ShownPath;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * An earlier run's evaluations for {@code warm_start}: one per row of its {@code iterations.csv},
 * the {@code param_<name>} values (each parameter's unit) at the row's reported point and its
 * {@code loss_train_ns2}. Derivative-free runs report every evaluation; a gradient run reports
 * its current point per iteration; a {@code bayes} run the first point of each round.
 *
 * @param written the path as written in the config
 * @param points per row: parameter name to value
 */
public record WarmStart(String written, List<Map<String, Double>> points, List<Double> lossesNs2) {

    public WarmStart {
        points = points.stream().map(p -> java.util.Collections.unmodifiableMap(new LinkedHashMap<>(p))).toList();
        lossesNs2 = List.copyOf(lossesNs2);
    }

    /** The parameters the earlier run trained, in its column order. */
    public List<String> parameters() {
        return points.isEmpty() ? List.of() : List.copyOf(points.get(0).keySet());
    }

    /**
     * Reads run directory {@code dir} ({@code written} resolved against the config's directory).
     *
     * @throws RigConfigurationException naming {@code source}, the key and the path
     */
    static WarmStart read(String written, Path dir, String source) {
        Path shown = ShownPath.of(dir);
        Path csv = dir.resolve("iterations.csv");
        if (!Files.isDirectory(dir)) {
            throw fail(source, shown + ": no such run directory");
        }
        if (!Files.isRegularFile(csv)) {
            throw fail(source, shown + ": not a run directory (no iterations.csv)");
        }
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = new CsvMapper().readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                .with(CsvParser.Feature.SKIP_EMPTY_LINES).readValues(StrictInput.readText(ShownPath.of(csv), "iterations CSV"))) {
            it.forEachRemaining(rows::add);
        } catch (BadInputException e) {
            throw fail(source, StrictInput.oneLine(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            throw fail(source, ShownPath.of(csv) + ": unreadable: " + StrictInput.oneLine(e.getMessage()));
        }
        if (rows.isEmpty()) {
            throw fail(source, ShownPath.of(csv) + ": empty");
        }
        List<String> header = List.of(rows.get(0));
        int loss = header.indexOf("loss_train_ns2");
        List<Integer> params = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            if (header.get(c).startsWith("param_")) {
                params.add(c);
            }
        }
        if (loss < 0 || params.isEmpty()) {
            throw fail(source, ShownPath.of(csv) + ": no loss_train_ns2 or param_<name> column; not an iterations.csv written by tileloop");
        }
        if (rows.size() < 2) {
            throw fail(source, ShownPath.of(csv) + ": no iterations recorded");
        }
        List<Map<String, Double>> points = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            String[] row = rows.get(r);
            if (row.length != header.size()) {
                throw fail(source, ShownPath.of(csv) + ": line " + (r + 1) + ": " + row.length + " fields, header has " + header.size());
            }
            Map<String, Double> p = new LinkedHashMap<>();
            for (int c : params) {
                p.put(header.get(c).substring("param_".length()), number(source, csv, r, header.get(c), row[c]));
            }
            double l = number(source, csv, r, header.get(loss), row[loss]);
            if (l < 0) {
                throw fail(source, ShownPath.of(csv) + ": line " + (r + 1) + ": loss_train_ns2 " + row[loss] + " is negative");
            }
            points.add(p);
            losses.add(l);
        }
        return new WarmStart(written, points, losses);
    }

    private static double number(String source, Path csv, int r, String column, String text) {
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail(source, ShownPath.of(csv) + ": line " + (r + 1) + ": " + column + ": '" + StrictInput.printable(text) + "' is not a number");
    }

    static RigConfigurationException fail(String source, String what) {
        return new RigConfigurationException(source + ": warm_start: " + what);
    }
}
