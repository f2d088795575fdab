package org.tileloop.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * A heatmap of one value over two parameters on a regular grid of cells, with a colour bar:
 * viridis from the smallest to the largest value, {@link #SILENT} grey where the value does not
 * exist (e.g. a channel never fired), white where the grid has no data. Deterministic SVG.
 */
public final class Heatmap {

    /** Cells whose value does not exist. */
    public static final Color SILENT = new Color(0xbdbdbd);

    private static final Color[] VIRIDIS = {new Color(0x440154), new Color(0x482878), new Color(0x3e4989), new Color(0x31688e),
        new Color(0x26828e), new Color(0x1f9e89), new Color(0x35b779), new Color(0x6ece58), new Color(0xb5de2b), new Color(0xfde725)};

    /**
     * The cells: {@code value[ix][iy]} at ({@code x[ix]}, {@code y[iy]}), centres evenly spaced;
     * {@code present[ix][iy]} false where there is no data; a present {@code NaN} value is drawn grey.
     */
    public record Grid(String xLabel, double[] x, String yLabel, double[] y, double[][] value, boolean[][] present) {
    }

    private Heatmap() {
    }

    /** The heatmap as an SVG document of 720 × 560 px; {@code valueLabel} names the colour bar. */
    public static String svg(String title, String subtitle, Grid g, String valueLabel, String defsPrefix) {
        DefaultXYZDataset data = new DefaultXYZDataset();
        int n = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < g.x().length; i++) {
            for (int j = 0; j < g.y().length; j++) {
                if (g.present()[i][j]) {
                    n++;
                    double v = g.value()[i][j];
                    if (!Double.isNaN(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        double[][] xyz = new double[3][n];
        int k = 0;
        for (int i = 0; i < g.x().length; i++) {
            for (int j = 0; j < g.y().length; j++) {
                if (g.present()[i][j]) {
                    xyz[0][k] = g.x()[i];
                    xyz[1][k] = g.y()[j];
                    xyz[2][k++] = g.value()[i][j];
                }
            }
        }
        data.addSeries("value", xyz);
        if (lo > hi) {
            lo = 0;
            hi = 1;
        } else if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        Scale scale = new Scale(lo, hi);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setBlockWidth(step(g.x()));
        r.setBlockHeight(step(g.y()));
        r.setPaintScale(scale);
        NumberAxis xAxis = Charts.linearAxis(g.xLabel());
        NumberAxis yAxis = Charts.linearAxis(g.yLabel());
        xAxis.setRange(g.x()[0] - step(g.x()) / 2, g.x()[g.x().length - 1] + step(g.x()) / 2);
        yAxis.setRange(g.y()[0] - step(g.y()) / 2, g.y()[g.y().length - 1] + step(g.y()) / 2);
        xAxis.setAutoRangeIncludesZero(false);
        yAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlinePaint(Color.GRAY);
        JFreeChart chart = Charts.chart(title, subtitle, plot, false);
        NumberAxis barAxis = Charts.linearAxis(valueLabel);
        barAxis.setRange(lo, hi);
        PaintScaleLegend bar = new PaintScaleLegend(scale, barAxis);
        bar.setPosition(RectangleEdge.RIGHT);
        bar.setStripWidth(14);
        bar.setAxisOffset(4);
        bar.setMargin(new RectangleInsets(6, 10, 6, 4));
        bar.setStripOutlineVisible(true);
        bar.setStripOutlinePaint(Color.GRAY);
        bar.setStripOutlineStroke(new BasicStroke(0.8f));
        chart.addSubtitle(bar);
        return Charts.svg(chart, 720, 560, defsPrefix);
    }

    private static double step(double[] centres) {
        return centres.length < 2 ? 1 : (centres[centres.length - 1] - centres[0]) / (centres.length - 1);
    }

    /** Viridis between {@code lo} and {@code hi}; NaN grey. */
    private record Scale(double lo, double hi) implements PaintScale {
        @Override
        public double getLowerBound() {
            return lo;
        }

        @Override
        public double getUpperBound() {
            return hi;
        }

        @Override
        public Paint getPaint(double value) {
            if (Double.isNaN(value)) {
                return SILENT;
            }
            double t = Math.max(0, Math.min(1, (value - lo) / (hi - lo))) * (VIRIDIS.length - 1);
            int i = Math.min(VIRIDIS.length - 2, (int) Math.floor(t));
            double f = t - i;
            Color a = VIRIDIS[i];
            Color b = VIRIDIS[i + 1];
            return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f), mix(a.getBlue(), b.getBlue(), f));
        }

        private static int mix(int a, int b, double f) {
            return (int) Math.round(a + (b - a) * f);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "viridis [%s, %s]", lo, hi);
        }
    }
}
