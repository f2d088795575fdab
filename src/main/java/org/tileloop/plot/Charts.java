package org.tileloop.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Stroke;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnitSource;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.svg.SVGGraphics2D;

/**
 * What every tileloop chart shares: fonts, strokes, a white background, an integer iteration
 * axis, a log axis snapped to whole decades, and SVG export with a fixed defs prefix (the same data
 * give a byte-identical SVG). Static and thread-safe; each chart it builds belongs to one thread.
 *
 * <p>A log axis cannot show zero or a negative value: {@link #logPoint} turns such a value into
 * {@code null}, which the line renderers draw as a gap (nothing is clamped to a floor).
 */
public final class Charts {

    public static final Font TITLE = new Font("SansSerif", Font.BOLD, 15);
    public static final Font SUBTITLE = new Font("SansSerif", Font.PLAIN, 12);
    public static final Font LABEL = new Font("SansSerif", Font.PLAIN, 12);
    public static final Font TICK = new Font("SansSerif", Font.PLAIN, 12);
    /** Labels of reference lines. */
    public static final Font SMALL = new Font("SansSerif", Font.PLAIN, 10);
    /** Data lines. */
    public static final Stroke LINE = new BasicStroke(2f);
    /** Data lines drawn over others they may hide (a holdout series over its train series). */
    public static final Stroke DASHED_LINE = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[] {7f, 4f}, 0f);
    /** Reference lines (bounds, limits). */
    public static final Stroke DASHED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);
    /** Series with more points than this are drawn as lines without markers. */
    public static final int MAX_MARKED_POINTS = 60;

    private static final Color GRID = new Color(0xd9d9d9);
    private static final Color MINOR_GRID = new Color(0xececec);

    static {
        // JFreeChart draws rotated labels (the vertical axis labels) through a TextLayout by default,
        // which JFreeSVG can only write as glyph outlines; drawn directly they stay text in the SVG
        org.jfree.chart.text.TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private Charts() {
    }

    /**
     * A base-10 log axis from the decade at or below the smallest positive value in {@code values}
     * to the decade at or above the largest (at least one decade), a labelled tick at every decade
     * ({@code 10⁻⁵}; every 2nd, 3rd … when they would crowd) with minor ticks at 2…9. Values that
     * are not positive and finite are ignored; with none left the axis spans 10⁻³ to 1.
     */
    public static LogAxis logAxis(String label, List<double[]> values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] series : values) {
            for (double v : series) {
                if (v > 0 && Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        int low = min <= max ? (int) Math.floor(Math.log10(min)) : -3;
        int high = min <= max ? (int) Math.ceil(Math.log10(max)) : 0;
        if (high == low) {
            high++;
        }
        LogAxis axis = new DecadeAxis(label);
        style(axis);
        // a hair beyond the decades, so that rounding in log10 cannot drop the end ticks
        axis.setRange(new Range(Math.pow(10, low) * (1 - 1e-9), Math.pow(10, high) * (1 + 1e-9)), true, false);
        return axis;
    }

    /** The value to plot on a log axis: {@code null} (a gap) for zero, a negative value or NaN. */
    public static Double logPoint(double v) {
        return v > 0 && Double.isFinite(v) ? v : null;
    }

    /** The shared iteration axis: integer ticks. */
    public static NumberAxis iterationAxis() {
        NumberAxis axis = linearAxis("iteration");
        axis.setStandardTickUnits(new NumberTickUnitSource(true, TickFormat.PLAIN));
        return axis;
    }

    /** A linear axis in the shared fonts, its range from the data (zero not forced in). */
    public static NumberAxis linearAxis(String label) {
        NumberAxis axis = new NumberAxis(label);
        style(axis);
        axis.setStandardTickUnits(new NumberTickUnitSource(false, TickFormat.PLAIN));
        axis.setAutoRangeIncludesZero(false);
        return axis;
    }

    /** Lines of width 2 in {@code colours}, series by series; markers when {@code marked}. */
    public static XYLineAndShapeRenderer lines(boolean marked, List<Color> colours) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, marked);
        r.setAutoPopulateSeriesPaint(false);
        r.setAutoPopulateSeriesStroke(false);
        r.setDefaultStroke(LINE);
        for (int i = 0; i < colours.size(); i++) {
            r.setSeriesPaint(i, colours.get(i));
            r.setSeriesStroke(i, LINE);
            r.setSeriesFillPaint(i, colours.get(i));
        }
        r.setDrawSeriesLineAsPath(false);
        return r;
    }

    /** Markers only, no lines, in {@code colours}, 1.5 times the default size, in shapes that differ from series to series. */
    public static XYLineAndShapeRenderer dots(List<Color> colours) {
        XYLineAndShapeRenderer r = lines(true, colours);
        r.setDefaultLinesVisible(false);
        java.awt.Shape[] standard = org.jfree.chart.plot.DefaultDrawingSupplier.createStandardSeriesShapes();
        int[] distinct = {0, 1, 2, 3, 5, 7, 9};
        java.awt.geom.AffineTransform larger = java.awt.geom.AffineTransform.getScaleInstance(1.5, 1.5);
        for (int i = 0; i < colours.size(); i++) {
            r.setSeriesShape(i, larger.createTransformedShape(standard[distinct[i % distinct.length]]));
        }
        return r;
    }

    /**
     * A dashed {@link Palette#REFERENCE} line across {@code plot} at {@code value} on its range
     * axis, labelled at the right edge above the line ({@code above}) or below it.
     */
    public static void referenceLine(XYPlot plot, double value, String label, boolean above) {
        ValueMarker m = new ValueMarker(value, Palette.REFERENCE, DASHED);
        m.setLabel(label);
        m.setLabelFont(SMALL);
        m.setLabelPaint(Color.DARK_GRAY);
        m.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        m.setLabelAnchor(above ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.BOTTOM_RIGHT);
        m.setLabelTextAnchor(above ? TextAnchor.BOTTOM_RIGHT : TextAnchor.TOP_RIGHT);
        m.setLabelOffset(new RectangleInsets(1, 2, 1, 4));
        plot.addRangeMarker(m);
    }

    /**
     * Grid lines and background of one plot panel (minor grid lines on a log axis of up to three
     * decades); later series are drawn over earlier ones.
     */
    public static XYPlot panel(XYPlot plot) {
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(0.8f));
        plot.setRangeGridlineStroke(new BasicStroke(0.8f));
        plot.setRangeMinorGridlinesVisible(plot.getRangeAxis() instanceof DecadeAxis d && d.minorGrid());
        plot.setRangeMinorGridlinePaint(MINOR_GRID);
        plot.setRangeMinorGridlineStroke(new BasicStroke(1f));
        plot.setDomainMinorGridlinesVisible(plot.getDomainAxis() instanceof DecadeAxis d && d.minorGrid());
        plot.setDomainMinorGridlinePaint(MINOR_GRID);
        plot.setDomainMinorGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(GRID);
        return plot;
    }

    /** A chart with the shared title font, an optional subtitle (null: none) and a legend below when {@code legend}. */
    public static JFreeChart chart(String title, String subtitle, Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(title, TITLE, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 6, 6, 12));
        if (subtitle != null) {
            TextTitle sub = new TextTitle(subtitle, SUBTITLE);
            sub.setPaint(Color.DARK_GRAY);
            chart.addSubtitle(0, sub);
        }
        LegendTitle l = chart.getLegend();
        if (l != null) {
            l.setItemFont(LABEL);
            l.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        return chart;
    }

    /** The chart as an SVG document of {@code width} × {@code height} px; {@code defsPrefix} names its clip paths. */
    public static String svg(JFreeChart chart, int width, int height, String defsPrefix) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setDefsKeyPrefix(defsPrefix);
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGDocument();
    }

    private static void style(ValueAxis axis) {
        axis.setLabelFont(LABEL);
        axis.setTickLabelFont(TICK);
        axis.setAxisLinePaint(Color.GRAY);
        axis.setTickMarksVisible(false);
        axis.setMinorTickMarksVisible(false);
    }
}
