package org.tileloop.run;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.tileloop.input.BadInputException;
import org.tileloop.input.Failures;

/**
 * A run's losses per completed iteration, read from its {@code iterations.csv} (a torn last line,
 * left by a process that died mid-write, is ignored). Immutable.
 *
 * @param rows one per complete row, in file order
 */
public record LossHistory(List<Row> rows) {

    /**
     * One row of {@code iterations.csv}.
     *
     * @param measurements cumulative measurements when the iteration ended
     * @param holdoutNs2 empty when the holdout was not evaluated at this iteration
     */
    public record Row(int iteration, long measurements, double trainNs2, OptionalDouble holdoutNs2) {
    }

    private static final CsvMapper CSV = new CsvMapper();

    public LossHistory {
        rows = List.copyOf(rows);
    }

    /** The history in run directory {@code runDir}; empty when it has no {@code iterations.csv}. */
    public static LossHistory read(Path runDir) {
        Path file = runDir.resolve(RunState.ITERATIONS);
        if (!Files.isRegularFile(file)) {
            return new LossHistory(List.of());
        }
        List<Row> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = CSV.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader())
                .readValues(complete(file))) {
            while (it.hasNextValue()) {
                Map<String, String> r = it.nextValue();
                int line = rows.size() + 2;
                String holdout = r.getOrDefault("loss_holdout_ns2", "");
                rows.add(new Row((int) number(file, line, r, "iteration"), (long) number(file, line, r, "measurements"),
                        number(file, line, r, "loss_train_ns2"),
                        holdout.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(number(file, line, r, "loss_holdout_ns2"))));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException b) {
                throw b;
            }
            throw new BadInputException(file + ": not a readable iterations.csv (" + Failures.describe(e).lines().findFirst().orElse("") + ")");
        }
        return new LossHistory(rows);
    }

    /** The file's bytes up to and including its last line end. */
    private static InputStream complete(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int end = all.length;
        while (end > 0 && all[end - 1] != '\n') {
            end--;
        }
        return new ByteArrayInputStream(all, 0, end);
    }

    private static double number(Path file, int line, Map<String, String> row, String column) {
        String text = row.get(column);
        if (text == null) {
            throw new BadInputException(file + ": line " + line + ": column " + column + " missing");
        }
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadInputException(file + ": line " + line + ": " + column + ": '" + text + "' is not a number");
        }
    }

    public Optional<Row> first() {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public Optional<Row> last() {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(rows.size() - 1));
    }

    /** The first evaluated holdout loss, ns². */
    public OptionalDouble holdoutStartNs2() {
        return rows.stream().filter(r -> r.holdoutNs2().isPresent()).findFirst().map(r -> r.holdoutNs2()).orElse(OptionalDouble.empty());
    }

    /** The last evaluated holdout loss, ns². */
    public OptionalDouble holdoutEndNs2() {
        for (int k = rows.size() - 1; k >= 0; k--) {
            if (rows.get(k).holdoutNs2().isPresent()) {
                return rows.get(k).holdoutNs2();
            }
        }
        return OptionalDouble.empty();
    }

    /** The lowest train loss of any iteration, ns². */
    public OptionalDouble bestTrainNs2() {
        return rows.stream().mapToDouble(Row::trainNs2).min();
    }

    /** The measurements spent when the train loss first was at most {@code lossNs2}; empty when it never was. */
    public OptionalLong measurementsToReach(double lossNs2) {
        return rows.stream().filter(r -> r.trainNs2() <= lossNs2).mapToLong(Row::measurements).findFirst();
    }
}
