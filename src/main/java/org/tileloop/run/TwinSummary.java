package org.tileloop.run;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.RigDescription;

/**
 * The twin section of a run's {@code summary.md}, from the twin columns of its
 * {@code iterations.csv}: per channel the gap (rig − twin) at the first and last iteration and
 * its change, which Jacobians twin_gauss_newton used, and how well the rig's and twin's slopes agreed.
 */
final class TwinSummary {

    private TwinSummary() {
    }

    /** The section, or "" when the run has no twin columns. */
    static String of(Path runDir, RigDescription rig) throws IOException {
        Path file = runDir.resolve(RunState.ITERATIONS);
        if (!Files.isRegularFile(file)) {
            return "";
        }
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerFor(Map.class).with(CsvSchema.emptySchema().withHeader())
                .readValues(file.toFile())) {
            it.forEachRemaining(rows::add);
        }
        if (rows.isEmpty() || !rows.get(0).containsKey("twin_measurements")) {
            return "";
        }
        Map<String, String> first = rows.get(0);
        Map<String, String> last = rows.get(rows.size() - 1);
        StringBuilder s = new StringBuilder("\n## Twin\n\nRig − twin first spike at the same parameters (mean over the train traces where both"
                + " fired), first and last iteration. A gap that grows over a run is a drift signal.\n\n"
                + "| channel | twin, first (ns) | gap, first (ns) | gap, last (ns) | change (ns) |\n|---|---|---|---|---|\n");
        for (ChannelSpec c : rig.channels()) {
            OptionalDouble twin = number(first, "twin_" + c.name() + "_ns");
            OptionalDouble a = number(first, "gap_" + c.name() + "_ns");
            OptionalDouble b = number(last, "gap_" + c.name() + "_ns");
            s.append("| ").append(c.name()).append(" | ").append(text(twin)).append(" | ").append(text(a)).append(" | ").append(text(b))
                    .append(" | ").append(a.isPresent() && b.isPresent() ? Numbers.sig(b.getAsDouble() - a.getAsDouble()) : "-").append(" |\n");
        }
        long twinJ = rows.stream().filter(r -> "twin".equals(r.get("jacobian"))).count();
        long rigJ = rows.stream().filter(r -> "rig".equals(r.get("jacobian"))).count();
        if (twinJ + rigJ > 0) {
            s.append(String.format(Locale.ROOT, "%nJacobians: twin in %d iterations, rig in %d%s.%n", twinJ, rigJ,
                    agreement(rows, "jacobian_cosine", " (cosine rig vs twin: mean %s, min %s)")));
        }
        String grad = agreement(rows, "twin_grad_cosine", "mean %s, min %s");
        if (!grad.isEmpty()) {
            s.append("\nGradient cosine, rig vs twin, where the rig's gradient was measured: ").append(grad).append(".\n");
        }
        s.append("\nTwin measurements: ").append(rows.stream().mapToLong(r -> Long.parseLong(r.get("twin_measurements"))).sum()).append(".\n");
        return s.toString();
    }

    private static String agreement(List<Map<String, String>> rows, String column, String format) {
        double[] v = rows.stream().map(r -> number(r, column)).filter(Predicate.not(OptionalDouble::isEmpty))
                .mapToDouble(OptionalDouble::getAsDouble).toArray();
        if (v.length == 0) {
            return "";
        }
        return String.format(Locale.ROOT, format, Numbers.sig(java.util.Arrays.stream(v).average().orElseThrow()),
                Numbers.sig(java.util.Arrays.stream(v).min().orElseThrow()));
    }

    private static OptionalDouble number(Map<String, String> row, String column) {
        String v = row.getOrDefault(column, "");
        return v.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(v));
    }

    private static String text(OptionalDouble v) {
        return v.isPresent() ? Numbers.sig(v.getAsDouble()) : "-";
    }
}
