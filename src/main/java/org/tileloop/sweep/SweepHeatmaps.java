package org.tileloop.sweep;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tileloop.plot.Heatmap;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.RigDescription;

/**
 * A heatmap per pair of swept parameters ({@code heatmap-<a>-<b>.svg}): the latency of one
 * channel's first spike after the input pulse, averaged over the delays and the other swept
 * parameters; grid sweeps show their grid, random sweeps 12 × 12 bins.
 */
final class SweepHeatmaps {

    static final int BINS = 12;

    private SweepHeatmaps() {
    }

    static List<Path> write(Path dir, SweepSpec spec, RigDescription rig, String channel) throws IOException {
        List<String[]> rows = new ArrayList<>();
        CsvMapper csv = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        try (MappingIterator<String[]> it = csv.readerFor(String[].class).readValues(dir.resolve("points.csv").toFile())) {
            it.next();
            while (it.hasNext()) {
                rows.add(it.next());
            }
        }
        int axes = spec.axes().size();
        List<Path> written = new ArrayList<>();
        for (int a = 0; a < axes; a++) {
            for (int b = a + 1; b < axes; b++) {
                SweepSpec.Axis x = spec.axes().get(a);
                SweepSpec.Axis y = spec.axes().get(b);
                double[] xs = centres(spec, x);
                double[] ys = centres(spec, y);
                double[][] sum = new double[xs.length][ys.length];
                int[][] fired = new int[xs.length][ys.length];
                boolean[][] present = new boolean[xs.length][ys.length];
                for (String[] r : rows) {
                    if (!r[axes + 2].equals(channel)) {
                        continue;
                    }
                    int i = cell(spec, x, xs, Double.parseDouble(r[1 + a]));
                    int j = cell(spec, y, ys, Double.parseDouble(r[1 + b]));
                    present[i][j] = true;
                    if (!r[axes + 3].isEmpty()) {
                        sum[i][j] += Double.parseDouble(r[axes + 3]) - Double.parseDouble(r[axes + 1]);
                        fired[i][j]++;
                    }
                }
                double[][] mean = new double[xs.length][ys.length];
                for (int i = 0; i < xs.length; i++) {
                    for (int j = 0; j < ys.length; j++) {
                        mean[i][j] = fired[i][j] == 0 ? Double.NaN : sum[i][j] / fired[i][j];
                    }
                }
                String subtitle = channel + "'s first spike after the " + spec.input() + " pulse, mean over "
                        + (spec.delaysNs().size() == 1 ? "delay " : "delays ") + String.join(", ", spec.delaysNs().stream().map(Numbers::plain).toList())
                        + " ns" + (axes > 2 ? " and the other swept parameters" : "") + "; grey: " + channel + " never fired"
                        + (spec.mode() == SweepSpec.Mode.RANDOM ? "; " + spec.randomPoints() + " random points in " + BINS + " x " + BINS + " bins, white: none" : "");
                String svg = Heatmap.svg(rig.id() + ": " + channel + " latency over " + x.name() + " and " + y.name(), subtitle,
                        new Heatmap.Grid(label(rig, x.name()), xs, label(rig, y.name()), ys, mean, present), channel + " latency (ns)",
                        "heatmap-" + x.name() + "-" + y.name());
                Path f = dir.resolve("heatmap-" + x.name() + "-" + y.name() + ".svg");
                Files.writeString(f, svg, StandardCharsets.UTF_8);
                written.add(f);
            }
        }
        return written;
    }

    private static String label(RigDescription rig, String name) {
        String unit = rig.parameter(name).orElseThrow().unit();
        return unit.equals("1") ? name : name + " (" + unit + ")";
    }

    private static double[] centres(SweepSpec spec, SweepSpec.Axis a) {
        if (spec.mode() == SweepSpec.Mode.GRID) {
            double[] c = new double[a.count()];
            for (int i = 0; i < c.length; i++) {
                c[i] = SweepSpec.value(a, i);
            }
            return c;
        }
        double w = (a.hi() - a.lo()) / BINS;
        double[] c = new double[BINS];
        for (int i = 0; i < BINS; i++) {
            c[i] = a.lo() + (i + 0.5) * w;
        }
        return c;
    }

    private static int cell(SweepSpec spec, SweepSpec.Axis a, double[] centres, double v) {
        if (spec.mode() == SweepSpec.Mode.GRID) {
            for (int i = 0; i < centres.length; i++) {
                if (centres[i] == v) {
                    return i;
                }
            }
            throw new IllegalStateException(a.name() + " = " + v + " is not on the sweep's grid");
        }
        return Math.max(0, Math.min(BINS - 1, (int) Math.floor((v - a.lo()) / ((a.hi() - a.lo()) / BINS))));
    }
}
