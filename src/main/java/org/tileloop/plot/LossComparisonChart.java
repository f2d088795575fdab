package org.tileloop.plot;

import java.awt.Color;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

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

    /** The chart of {@code series} (at least one with a positive loss) as an SVG document, in the shared chart style. */
    public static String svg(String title, List<Series> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Color> colours = new java.util.ArrayList<>();
        boolean any = false;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            XYSeries xy = new XYSeries(s.label(), false, true);
            for (int k = 0; k < s.lossNs2().length; k++) {
                xy.add(s.measurements()[k], Charts.logPoint(s.lossNs2()[k]));
                any |= Charts.logPoint(s.lossNs2()[k]) != null;
            }
            data.addSeries(xy);
            colours.add(Palette.series(i));
        }
        if (!any) {
            throw new IllegalArgumentException("no positive loss to draw on a log axis");
        }
        NumberAxis measurements = Charts.linearAxis("measurements");
        measurements.setAutoRangeIncludesZero(true);
        XYPlot plot = Charts.panel(new XYPlot(data, measurements,
                Charts.logAxis("loss (ns²)", series.stream().map(Series::lossNs2).toList()), Charts.lines(true, colours)));
        return Charts.svg(Charts.chart(title, null, plot, true), WIDTH, HEIGHT, "tl");
    }
}
