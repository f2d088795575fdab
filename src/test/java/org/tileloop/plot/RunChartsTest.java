package org.tileloop.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tileloop.SvgCheck;

/** The run charts drawn from plain arrays, read back as SVG. */
class RunChartsTest {

    static final double[] TRAIN = {0.09, 0.003, 1.3e-5, 3e-6};
    static final double NONE = Double.NaN;

    static String loss(double[] timing, double[] order) {
        return RunCharts.loss("run-1 · forward FD + Gauss–Newton", new RunCharts.Line("train loss", Palette.TRAIN, TRAIN),
                new RunCharts.Line("holdout loss", Palette.HOLDOUT, new double[] {0.04, NONE, 9e-6, 1e-5}),
                List.of(new RunCharts.Line("train timing", Palette.term(0), timing), new RunCharts.Line("train order", Palette.term(3), order)));
    }

    @Test
    void lossIsDrawnOnDecadeLogAxesWithItsUnitAndTitle() throws Exception {
        SvgCheck svg = SvgCheck.parse(loss(TRAIN, new double[] {1e-3, 2e-4, 1e-5, 1e-6}));
        List<String> texts = svg.strings();
        assertEquals("run-1 · forward FD + Gauss–Newton", texts.get(0));
        assertTrue(texts.contains("loss (ns²)") && texts.contains("train terms (ns²)") && texts.contains("iteration"), texts.toString());
        List<Integer> decades = svg.decades();
        for (int e = -6; e <= -1; e++) {
            assertTrue(decades.contains(e), "tick 10^" + e + " in " + decades);
        }
        List<SvgCheck.Segment> train = svg.lines(Palette.TRAIN);
        assertEquals(3, train.size(), "iterations 0-3 joined");
        double pixelsPerDecade = (train.get(2).y2() - train.get(0).y1()) / (Math.log10(TRAIN[0]) - Math.log10(TRAIN[3]));
        for (int k = 0; k < 3; k++) {
            SvgCheck.Segment s = train.get(k);
            assertEquals(Math.log10(TRAIN[k]) - Math.log10(TRAIN[k + 1]), (s.y2() - s.y1()) / pixelsPerDecade, 1e-6,
                    "segment " + k + " falls in proportion to the decades it spans");
        }
        List<SvgCheck.Segment> holdout = svg.lines(Palette.HOLDOUT);
        assertEquals(2, holdout.size(), "iteration 1 without holdout is skipped: 0-2, 2-3");
        assertTrue(holdout.stream().allMatch(SvgCheck.Segment::dashed), "holdout dashed over train");
        assertEquals(train.get(0).x1(), holdout.get(0).x1(), 1e-9);
        assertEquals(train.get(1).x2(), holdout.get(0).x2(), 1e-9);
        assertFalse(texts.stream().anyMatch(t -> t.contains("gaps")), texts.toString());
    }

    @Test
    void aZeroTermLeavesAGapThatTheSubtitleExplains() throws Exception {
        SvgCheck svg = SvgCheck.parse(loss(TRAIN, new double[] {1e-3, 0, 1e-5, 1e-6}));
        assertEquals(1, svg.lines(Palette.term(3)).size(), "only 2-3: zero at iteration 1 cannot be drawn on a log axis");
        assertEquals(3, svg.lines(Palette.term(0)).size());
        assertTrue(svg.strings().get(1).endsWith("(zero values cannot be drawn on a log axis: gaps)"), svg.strings().get(1));
    }

    @Test
    void theSameDataGiveTheSameSvg() {
        assertEquals(loss(TRAIN, TRAIN), loss(TRAIN, TRAIN));
    }

    @Test
    void parametersGetOnePanelEachWithTheirBoundsDashed() throws Exception {
        SvgCheck svg = SvgCheck.parse(RunCharts.parameters("run-1 · CMA-ES", List.of(
                new RunCharts.Parameter("r_fb (Ω)", 2000, 6000, new double[] {3000, 2500, 2400}),
                new RunCharts.Parameter("iin_amp (V)", 1.2, 1.8, new double[] {1.4, 1.5, 1.52}))));
        List<String> texts = svg.strings();
        for (String t : List.of("run-1 · CMA-ES", "r_fb (Ω)", "iin_amp (V)", "min 2000", "max 6000", "min 1.2", "max 1.8", "6000", "1.8")) {
            assertTrue(texts.contains(t), t + " in " + texts);
        }
        List<SvgCheck.Segment> bounds = svg.lines(Palette.REFERENCE);
        assertEquals(4, bounds.size());
        assertTrue(bounds.stream().allMatch(b -> b.dashed() && b.y1() == b.y2()), bounds.toString());
        List<SvgCheck.Segment> rfb = svg.lines(Palette.series(0));
        assertEquals(2, rfb.size());
        double yMin = bounds.get(0).y1();
        double yMax = bounds.get(1).y1();
        assertTrue(yMax < yMin, "max above min");
        assertTrue(y(svg, "max 6000") < yMax && y(svg, "min 2000") > yMin, "bound labels outside the bounds, clear of the data");
        assertEquals(yMin + (yMax - yMin) * (3000 - 2000) / 4000.0, rfb.get(0).y1(), 1e-6, "3000 Ω a quarter of the way up");
        assertEquals(2, svg.lines(Palette.series(1)).size());
        assertTrue(svg.lines(Palette.series(1)).get(0).y1() > yMin, "second panel below the first");
    }

    static double y(SvgCheck svg, String text) {
        return svg.texts().stream().filter(t -> t.text().equals(text)).findFirst().orElseThrow().y();
    }

    @Test
    void accuracyRunsFromZeroToOne() throws Exception {
        SvgCheck svg = SvgCheck.parse(RunCharts.accuracy("run-1 · central FD + normalized gradient",
                new RunCharts.Line("train accuracy", Palette.TRAIN, new double[] {0.5, 0.75, 1}),
                new RunCharts.Line("holdout accuracy", Palette.HOLDOUT, new double[] {0.5, 0.5, 0.75})));
        List<String> texts = svg.strings();
        for (String t : List.of("0", "0.25", "0.5", "0.75", "1", "accuracy (fraction right)", "train accuracy", "holdout accuracy")) {
            assertTrue(texts.contains(t), t + " in " + texts);
        }
        List<SvgCheck.Segment> train = svg.lines(Palette.TRAIN);
        assertEquals(2, train.size());
        double perQuarter = train.get(0).y1() - train.get(0).y2();
        assertTrue(perQuarter > 0, "rising");
        assertEquals(perQuarter, train.get(1).y1() - train.get(1).y2(), 1e-6, "0.5 -> 0.75 and 0.75 -> 1 rise alike: a linear axis");
    }
}
