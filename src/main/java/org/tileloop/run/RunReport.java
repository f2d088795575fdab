package org.tileloop.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StackedXYAreaRenderer2;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigDescription;
import org.tileloop.train.LossTerms;

/** Writes a run's {@code summary.md} and {@code loss.svg} from its {@link RunRecord.Outcome}. */
public final class RunReport {

    private RunReport() {
    }

    /** @param status how the run stands: completed, or how it stopped */
    public static void write(Path dir, RigDescription rig, RunRecord.Outcome o, RunStatus status) throws IOException {
        Files.writeString(dir.resolve("summary.md"), summary(rig, o, status), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("loss.svg"), chart(o), StandardCharsets.UTF_8);
    }

    static String summary(RigDescription rig, RunRecord.Outcome o, RunStatus status) {
        StringBuilder s = new StringBuilder("# Training summary\n\n");
        if (o.train().isEmpty()) {
            return s.append("No iteration completed.\n").toString();
        }
        int last = o.lastIteration();
        int lastHold = lastHoldout(o);
        String stopped = status.wire().substring(0, 1).toUpperCase(Locale.ROOT) + status.wire().substring(1);
        s.append(status == RunStatus.COMPLETED ? "Completed iterations 0-" + last : stopped + " after iteration " + last + " (resumable)")
                .append(", ").append(o.measurements()).append(" measurements.\n\n");
        s.append("| split | start | end |\n|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| train | %.6g | %.6g |%n", o.train().get(0).total(), o.train().get(last).total()));
        if (lastHold >= 0 && o.holdout().get(0) != null) {
            s.append(String.format(Locale.ROOT, "| holdout | %.6g | %.6g |%n%n", o.holdout().get(0).total(),
                    o.holdout().get(lastHold).total()));
            s.append(String.format(Locale.ROOT, "Final holdout − train gap (iteration %d): %.6g%n%n", lastHold,
                    o.holdout().get(lastHold).total() - o.train().get(lastHold).total()));
        } else {
            s.append("\nHoldout not evaluated.\n\n");
        }
        s.append("Terms at the final point:\n\n| split |");
        LossTerms.NAMES.forEach(t -> s.append(' ').append(t).append(" |"));
        s.append("\n|---|").append("---|".repeat(LossTerms.NAMES.size())).append('\n');
        terms(s, "train", o.train().get(last));
        if (lastHold == last) {
            terms(s, "holdout", o.holdout().get(last));
        }
        s.append("\n| parameter | unit | initial | final | min | max |\n|---|---|---|---|---|---|\n");
        for (ParameterSpec p : rig.parameters()) {
            double a = o.initial().get(p.name());
            double b = o.last().get(p.name());
            if (a != b || p.trainable()) {
                s.append(String.format(Locale.ROOT, "| %s | %s | %.6g | %.6g | %.6g | %.6g |%n", p.name(), p.unit(), a, b,
                        p.min(), p.max()));
            }
        }
        return s.toString();
    }

    private static void terms(StringBuilder s, String split, LossTerms t) {
        s.append("| ").append(split).append(" |");
        for (double v : t.values()) {
            s.append(String.format(Locale.ROOT, " %.6g |", v));
        }
        s.append('\n');
    }

    private static int lastHoldout(RunRecord.Outcome o) {
        for (int k = o.holdout().size() - 1; k >= 0; k--) {
            if (o.holdout().get(k) != null) {
                return k;
            }
        }
        return -1;
    }

    static String chart(RunRecord.Outcome o) {
        XYSeries train = new XYSeries("train loss");
        XYSeries holdout = new XYSeries("holdout loss");
        DefaultTableXYDataset terms = new DefaultTableXYDataset();
        List<XYSeries> termSeries = LossTerms.NAMES.stream().map(t -> new XYSeries("train " + t, true, false)).toList();
        for (int k = 0; k < o.train().size(); k++) {
            train.add(k, o.train().get(k).total());
            if (o.holdout().get(k) != null) {
                holdout.add(k, o.holdout().get(k).total());
            }
            double[] v = o.train().get(k).values();
            for (int i = 0; i < v.length; i++) {
                termSeries.get(i).add(k, v[i]);
            }
        }
        termSeries.forEach(terms::addSeries);
        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(train);
        losses.addSeries(holdout);
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        lines.setSeriesPaint(0, new Color(0x1f77b4));
        lines.setSeriesPaint(1, new Color(0xd62728));
        lines.setSeriesStroke(0, new BasicStroke(2f));
        lines.setSeriesStroke(1, new BasicStroke(2f));
        NumberAxis lossAxis = new NumberAxis("loss");
        lossAxis.setAutoRangeIncludesZero(true);
        XYPlot top = new XYPlot(losses, null, lossAxis, lines);
        StackedXYAreaRenderer2 stacked = new StackedXYAreaRenderer2();
        Color[] palette = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b)};
        for (int i = 0; i < palette.length; i++) {
            stacked.setSeriesPaint(i, palette[i]);
        }
        XYPlot bottom = new XYPlot(terms, null, new NumberAxis("train terms"), stacked);
        NumberAxis iteration = new NumberAxis("iteration");
        iteration.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(iteration);
        plot.add(top, 3);
        plot.add(bottom, 2);
        JFreeChart chart = new JFreeChart("Loss by iteration", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        SVGGraphics2D g = new SVGGraphics2D(800, 600);
        g.setDefsKeyPrefix("tl");
        chart.draw(g, new java.awt.Rectangle(0, 0, 800, 600));
        return g.getSVGDocument();
    }
}
