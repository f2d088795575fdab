package org.tileloop.plot;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A base-10 log axis with a tick at every decade (every 2nd, 3rd … when labels would crowd),
 * minor ticks at 2…9 and {@link TickFormat#DECADES} labels; when it spans at most two decades the
 * minor ticks at 2 and 5 are labelled too ({@code 5×10⁻¹}). Its labels are plain strings, so an
 * SVG holds them as text (JFreeChart's own log-axis labels are styled text that JFreeSVG can only
 * draw as glyph outlines).
 */
final class DecadeAxis extends LogAxis {

    DecadeAxis(String label) {
        super(label);
        setNumberFormatOverride(TickFormat.DECADES);
        TickUnits decades = new TickUnits();
        decades.add(new NumberTickUnit(1, TickFormat.PLAIN, 9));
        for (int step : new int[] {2, 3, 4, 5, 10, 20}) {
            decades.add(new NumberTickUnit(step, TickFormat.PLAIN, 0));
        }
        setStandardTickUnits(decades);
    }

    @Override
    protected List refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        return plain(super.refreshTicksVertical(g2, dataArea, edge));
    }

    @Override
    protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        return plain(super.refreshTicksHorizontal(g2, dataArea, edge));
    }

    /** Whether minor grid lines help: at most three decades shown (more would crowd them). */
    boolean minorGrid() {
        return decades() <= 3.01;
    }

    private double decades() {
        return calculateLog(getUpperBound()) - calculateLog(getLowerBound());
    }

    private List<Tick> plain(List<?> ticks) {
        boolean few = decades() <= 2.01;
        List<Tick> out = new ArrayList<>();
        for (Object o : ticks) {
            ValueTick t = (ValueTick) o;
            String text = t.getTickType() == TickType.MAJOR ? TickFormat.DECADES.label(t.getValue()) : few ? minor(t.getValue()) : "";
            out.add(new NumberTick(t.getTickType(), t.getValue(), text, t.getTextAnchor(), t.getRotationAnchor(), t.getAngle()));
        }
        return out;
    }

    /** {@code 2×10ⁿ} or {@code 5×10ⁿ}; other minor ticks stay unlabelled. */
    private static String minor(double value) {
        double decade = Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
        long mantissa = Math.round(value / decade);
        return (mantissa == 2 || mantissa == 5) && Math.abs(value / decade - mantissa) < 1e-6
                ? mantissa + "×" + TickFormat.DECADES.label(decade) : "";
    }
}
