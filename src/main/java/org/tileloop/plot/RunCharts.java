package org.tileloop.plot;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The charts of one training run, against iteration (the array index): {@code loss.svg},
 * {@code parameters.svg} and {@code accuracy.svg}. Takes plain arrays: a NaN is an iteration
 * without a value (e.g. holdout not evaluated) and is skipped; on the log loss axes a zero value
 * cannot be drawn and leaves a gap (the subtitle says so when it happens).
 */
public final class RunCharts {

    /** One line: its legend name, colour and value per iteration. */
    public record Line(String name, Color colour, double[] values) {
    }

    /**
     * One trainable parameter's trajectory.
     *
     * @param label axis label with the unit, e.g. {@code r_fb (Ω)}
     * @param min lower training bound, same unit
     * @param max upper training bound, same unit
     * @param values value per iteration, same unit
     */
    public record Parameter(String label, double min, double max, double[] values) {
    }

    private static final int WIDTH = 820;

    private RunCharts() {
    }

    /**
     * Train and holdout loss (ns²) on a log axis above the train terms on a log axis; {@code terms}
     * should hold only the terms that are non-zero somewhere.
     */
    public static String loss(String title, Line train, Line holdout, List<Line> terms) {
        List<Line> top = List.of(train, holdout);
        XYPlot upper = Charts.panel(new XYPlot(dataset(top, true), null, Charts.logAxis("loss (ns²)", values(top)),
                splits(train, holdout)));
        XYPlot lower = Charts.panel(new XYPlot(dataset(terms, true), null, Charts.logAxis("train terms (ns²)", values(terms)),
                Charts.lines(marked(train), colours(terms))));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(iterations(train.values().length));
        plot.setGap(22);
        plot.add(upper, 3);
        plot.add(lower, 2);
        boolean gaps = hasZero(top) || hasZero(terms);
        String sub = "loss by iteration; below: the train loss split into its terms"
                + (gaps ? " (zero values cannot be drawn on a log axis: gaps)" : "");
        return Charts.svg(Charts.chart(title, sub, plot, true), WIDTH, 640, "tl");
    }

    /** One panel per parameter, value against iteration, its bounds as dashed reference lines. */
    public static String parameters(String title, List<Parameter> parameters) {
        int n = parameters.isEmpty() ? 0 : parameters.get(0).values().length;
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(iterations(n));
        plot.setGap(12);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Line line = new Line(p.label(), Palette.series(i), p.values());
            NumberAxis axis = Charts.linearAxis(p.label());
            double margin = 0.14 * (p.max() - p.min());
            axis.setRange(p.min() - margin, p.max() + margin);
            XYPlot panel = Charts.panel(new XYPlot(dataset(List.of(line), false), null, axis,
                    Charts.lines(n <= Charts.MAX_MARKED_POINTS, List.of(line.colour()))));
            Charts.referenceLine(panel, p.min(), "min " + plain(p.min()), false);
            Charts.referenceLine(panel, p.max(), "max " + plain(p.max()), true);
            plot.add(panel, 1);
        }
        JFreeChart chart = Charts.chart(title, "trainable parameters by iteration; dashed: training bounds", plot, false);
        return Charts.svg(chart, WIDTH, 110 + 170 * Math.max(1, parameters.size()), "tlp");
    }

    /** Train and holdout accuracy (fraction of labelled traces classified right) on a 0–1 axis. */
    public static String accuracy(String title, Line train, Line holdout) {
        List<Line> lines = List.of(train, holdout);
        NumberAxis axis = Charts.linearAxis("accuracy (fraction right)");
        axis.setRange(-0.03, 1.03);
        axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.25, TickFormat.PLAIN));
        XYPlot plot = Charts.panel(new XYPlot(dataset(lines, false), iterations(train.values().length), axis, splits(train, holdout)));
        return Charts.svg(Charts.chart(title, "classification accuracy by iteration", plot, true), WIDTH, 460, "tla");
    }

    private static ValueAxis iterations(int count) {
        NumberAxis axis = Charts.iterationAxis();
        double last = Math.max(1, count - 1);
        double margin = Math.max(0.3, 0.015 * last);
        axis.setRange(-margin, last + margin);
        return axis;
    }

    private static XYSeriesCollection dataset(List<Line> lines, boolean log) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line l : lines) {
            XYSeries s = new XYSeries(l.name(), false, true);
            double[] v = l.values();
            for (int k = 0; k < v.length; k++) {
                if (!Double.isNaN(v[k])) {
                    s.add(Integer.valueOf(k), log ? Charts.logPoint(v[k]) : Double.valueOf(v[k]));
                }
            }
            data.addSeries(s);
        }
        return data;
    }

    /** Train (series 0) solid, holdout (series 1) dashed on top of it, so that equal values show both. */
    private static XYLineAndShapeRenderer splits(Line train, Line holdout) {
        XYLineAndShapeRenderer r = Charts.lines(marked(train), List.of(train.colour(), holdout.colour()));
        r.setSeriesStroke(1, Charts.DASHED_LINE);
        return r;
    }

    private static boolean marked(Line l) {
        return l.values().length <= Charts.MAX_MARKED_POINTS;
    }

    private static boolean hasZero(List<Line> lines) {
        return lines.stream().anyMatch(l -> java.util.Arrays.stream(l.values()).anyMatch(v -> !Double.isNaN(v) && !(v > 0)));
    }

    private static List<double[]> values(List<Line> lines) {
        return lines.stream().map(Line::values).toList();
    }

    private static List<Color> colours(List<Line> lines) {
        List<Color> c = new ArrayList<>();
        lines.forEach(l -> c.add(l.colour()));
        return c;
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
