package org.tileloop.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Train loss of several runs against the measurements each spent, on one chart with a log loss
 * axis, as an SVG document (JFreeChart, JFreeSVG). Series colours follow {@link Palette#series};
 * points with a loss of zero or less cannot sit on a log axis and are left out. The same input
 * gives the same bytes. Thread-safe (no shared state).
 */
public final class LossComparisonChart {

    /**
     * One run's curve.
     *
     * @param label the legend entry
     * @param measurements cumulative measurements at each point
     * @param lossNs2 the train loss at each point, ns²
     */
    public record Series(String label, double[] measurements, double[] lossNs2) {
        public Series {
            if (measurements.length != lossNs2.length) {
                throw new IllegalArgumentException(label + ": " + measurements.length + " measurements for " + lossNs2.length + " losses");
            }
        }
    }

    static final int WIDTH = 900;
    static final int HEIGHT = 560;

    private LossComparisonChart() {
    }

    /** The chart of {@code series} (at least one with a positive loss) as an SVG document. */
    public static String svg(String title, List<Series> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        double smallest = Double.POSITIVE_INFINITY;
        double largest = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            XYSeries xy = new XYSeries(s.label(), false, true);
            for (int k = 0; k < s.lossNs2().length; k++) {
                if (s.lossNs2()[k] > 0) {
                    xy.add(s.measurements()[k], s.lossNs2()[k]);
                    smallest = Math.min(smallest, s.lossNs2()[k]);
                    largest = Math.max(largest, s.lossNs2()[k]);
                }
            }
            data.addSeries(xy);
            lines.setSeriesPaint(i, Palette.series(i));
            lines.setSeriesStroke(i, new BasicStroke(2f));
        }
        if (smallest == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("no positive loss to draw on a log axis");
        }
        LogAxis loss = new LogAxis("loss (ns²)");
        loss.setBase(10);
        double bottom = Math.pow(10, Math.floor(Math.log10(smallest)));
        double top = Math.pow(10, Math.ceil(Math.log10(largest)));
        loss.setSmallestValue(bottom * 0.8);
        loss.setRange(bottom * 0.8, (top > bottom ? top : bottom * 10) * 1.25);
        loss.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        loss.setNumberFormatOverride(new PowerOfTen());
        NumberAxis measurements = new NumberAxis("measurements");
        measurements.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        measurements.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, measurements, loss, lines);
        plot.setBackgroundPaint(Color.WHITE);
        BasicStroke grid = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_BEVEL, 0f, new float[] {2f, 3f}, 0f);
        plot.setDomainGridlinePaint(Palette.REFERENCE);
        plot.setRangeGridlinePaint(Palette.REFERENCE);
        plot.setDomainGridlineStroke(grid);
        plot.setRangeGridlineStroke(grid);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        g.setDefsKeyPrefix("tl");
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g.getSVGDocument();
    }

    /** Tick labels as plain text: {@code 10⁻³} for powers of ten, three significant figures otherwise. */
    static final class PowerOfTen extends NumberFormat {
        private static final String DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

        @Override
        public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
            long e = Math.round(Math.log10(v));
            if (v > 0 && Math.abs(v / Math.pow(10, e) - 1) < 1e-9) {
                to.append("10");
                if (e < 0) {
                    to.append('⁻');
                }
                Long.toString(Math.abs(e)).chars().forEach(c -> to.append(DIGITS.charAt(c - '0')));
                return to;
            }
            return to.append(String.format(Locale.ROOT, "%.3g", v));
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
            return format((double) v, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("tick labels are not parsed");
        }
    }
}
