package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

class LossTest {

    static final Stimulus S = new Stimulus(Map.of("in0", 4.5));

    /** A result whose channels spike at the given times (NaN = no spike), {@code count} spikes each. */
    static StimulusResult result(double energyPj, int count, double... firstNs) {
        List<ChannelResult> channels = new ArrayList<>();
        for (int c = 0; c < firstNs.length; c++) {
            List<Timing> spikes = new ArrayList<>();
            if (!Double.isNaN(firstNs[c])) {
                for (int k = 0; k < count; k++) {
                    spikes.add(IdentityCalibration.INSTANCE.apply("n" + c, firstNs[c] + k));
                }
            }
            channels.add(ChannelResult.counted("n" + c, spikes));
        }
        return new StimulusResult(S, channels, java.util.OptionalDouble.of(energyPj));
    }

    static Trace trace(double... targets) {
        List<OptionalDouble> t = new ArrayList<>();
        List<OptionalInt> c = new ArrayList<>();
        for (double v : targets) {
            t.add(Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v));
            c.add(OptionalInt.of(2));
        }
        return new Trace(Trace.TRAIN, S, t, c);
    }

    static LossSettings settings(List<int[]> pairs, double margin) {
        return new LossSettings(1, 1, 25, 1, 1, pairs, margin, 10);
    }

    @Test
    void timingIsMeanSquaredErrorOverPresentSpikes() {
        Loss loss = new Loss(settings(List.of(), 0));
        // errors: +1, -2 on trace 1; +0.5 and a missing spike on trace 2 -> (1 + 4 + 0.25) / 3 = 1.75
        LossTerms t = loss.evaluate(List.of(trace(5, 6), trace(5, 6)),
                List.of(result(10, 2, 6, 4), result(10, 2, 5.5, Double.NaN)), 0);
        assertEquals(1.75, t.timing(), 1e-12);
        assertEquals(25.0 * 1 / 2, t.missing(), 1e-12);
        // counts: trace 1 both 2 (ok); trace 2: 2 vs 2 and 0 vs 2 -> 2 / 2 traces = 1
        assertEquals(1.0, t.count(), 1e-12);
        assertEquals(0.0, t.energy());
        assertEquals(1.75 + 12.5 + 1.0, t.total(), 1e-12);
    }

    @Test
    void orderPenaltyIsSquaredInversionBeyondMargin() {
        Loss loss = new Loss(settings(List.<int[]>of(new int[] {0, 1}, new int[] {1, 2}), 0.5));
        // pair (0,1): 5 + 0.5 - 5.2 = 0.3 -> 0.09; pair (1,2): 5.2 + 0.5 - 7 < 0 -> 0
        LossTerms t = loss.evaluate(List.of(trace(Double.NaN, Double.NaN, Double.NaN)),
                List.of(result(10, 2, 5, 5.2, 7)), 0);
        assertEquals(0.09, t.order(), 1e-12);
        assertEquals(0, t.timing());
        // a reversed pair: 6 + 0.5 - 5 = 1.5 -> 2.25
        LossTerms reversed = loss.evaluate(List.of(trace(Double.NaN, Double.NaN, Double.NaN)),
                List.of(result(10, 2, 6, 5, 9)), 0);
        assertEquals(2.25, reversed.order(), 1e-12);
    }

    @Test
    void energyIsNormalisedAndWeighted() {
        Loss loss = new Loss(settings(List.of(), 0));
        LossTerms t = loss.evaluate(List.of(trace(5), trace(5)), List.of(result(12, 2, 5), result(8, 2, 5)), 0.03);
        assertEquals(0.03 * 1.0, t.energy(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 0, 0, 100, 0}, t.percentages(), 1e-9);
    }

    @Test
    void noSpikesAtAllIsFiniteNotNaN() {
        Loss loss = new Loss(settings(List.<int[]>of(new int[] {0, 1}), 1));
        LossTerms t = loss.evaluate(List.of(trace(5, 6)), List.of(result(0, 0, Double.NaN, Double.NaN)), 0.1);
        assertEquals(0, t.timing());
        assertEquals(50, t.missing(), 1e-12);
        assertEquals(4, t.count(), 1e-12);
        assertEquals(0, t.order());
        assertEquals(54, t.total(), 1e-12);
        for (double p : t.percentages()) {
            assertEquals(false, Double.isNaN(p));
        }
    }

    static Trace labelled(int label) {
        List<OptionalDouble> none = List.of(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
        List<OptionalInt> counts = List.of(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());
        return new Trace("train", S, none, counts, "p", Map.of(), label);
    }

    static LossSettings classification(String kind) {
        return new LossSettings(1, 1, 25, 1, 1, List.of(), 0, 0, TrainingConfig.ClassLoss.valueOf(kind.toUpperCase(java.util.Locale.ROOT)), 1, 0.5,
                0.2);
    }

    @Test
    void softmaxCrossEntropyOverNegativeFirstSpikeTimes() {
        // times 5.0, 5.5, no spike (counts as 5.5 + 5 * 0.5 = 8.0); label channel 1
        StimulusResult r = result(0, 1, 5.0, 5.5, Double.NaN);
        double z0 = -5.0 / 0.5;
        double z1 = -5.5 / 0.5;
        double z2 = -8.0 / 0.5;
        double expected = -z1 + Math.log(Math.exp(z0) + Math.exp(z1) + Math.exp(z2));
        LossTerms t = new Loss(classification("softmax")).evaluate(List.of(labelled(1)), List.of(r), 0);
        assertEquals(expected, t.classification(), 1e-12);
        assertEquals(expected, t.total(), 1e-12, "no timing targets, no other terms");
        assertEquals(0.0, Loss.accuracy(List.of(labelled(1)), List.of(r)));
        assertEquals(1.0, Loss.accuracy(List.of(labelled(0)), List.of(r)));
    }

    @Test
    void hingeOnTheLabelAgainstTheEarliestOtherChannel() {
        StimulusResult r = result(0, 1, 5.0, 5.1, 6.0);
        // label 1: t1 - min(t0, t2) + margin = 5.1 - 5.0 + 0.2 = 0.3 -> 0.09
        assertEquals(0.09, new Loss(classification("hinge")).evaluate(List.of(labelled(1)), List.of(r), 0).classification(), 1e-12);
        // label 0: 5.0 - 5.1 + 0.2 = 0.1 -> 0.01 (fires first, but inside the margin)
        assertEquals(0.01, new Loss(classification("hinge")).evaluate(List.of(labelled(0)), List.of(r), 0).classification(), 1e-12);
        assertEquals(0.5, Loss.accuracy(List.of(labelled(0), labelled(2)), List.of(r, r)), 1e-12);
        assertEquals(Double.NaN, Loss.accuracy(List.of(trace(1, 2, 3)), List.of(r)));
    }

    @Test
    void theCountTermUsesTheTrueCountNotTheTimedSpikes() {
        // a bench controller counted 13 spikes on n0 but kept 8 timestamps; n1 fired twice
        List<Timing> eight = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            eight.add(IdentityCalibration.INSTANCE.apply("n0", 5 + k));
        }
        List<Timing> two = List.of(IdentityCalibration.INSTANCE.apply("n1", 6), IdentityCalibration.INSTANCE.apply("n1", 7));
        StimulusResult r = new StimulusResult(S, List.of(new ChannelResult("n0", eight, OptionalInt.of(13)),
                ChannelResult.counted("n1", two)), OptionalDouble.of(1), SpikeCounts.COMPLETE);
        Trace expects = new Trace(Trace.TRAIN, S, List.of(OptionalDouble.empty(), OptionalDouble.empty()),
                List.of(OptionalInt.of(12), OptionalInt.of(2)));
        assertEquals(1.0, new Loss(settings(List.of(), 0)).evaluate(List.of(expects), List.of(r), 0).count(), 1e-12,
                "|13 - 12| + |2 - 2|, not |8 - 12|");
    }

    @Test
    void truncatedCountsFailTheCountTermButNotTheOthers() {
        StimulusResult truncated = new StimulusResult(S, List.of(
                ChannelResult.uncounted("n0", List.of(IdentityCalibration.INSTANCE.apply("n0", 5.5))),
                ChannelResult.uncounted("n1", List.of())), OptionalDouble.empty(), SpikeCounts.TRUNCATED);
        MeasurementException e = assertThrows(MeasurementException.class,
                () -> new Loss(settings(List.of(), 0)).evaluate(List.of(trace(5, 6)), List.of(truncated), 0));
        assertEquals("the count loss needs spike counts, but the measurement of the trace at 4.5 ns stopped after the first spikes"
                + " (counts unknown)", e.getMessage());
        LossSettings noCount = new LossSettings(1, 1, 25, 0, 1, List.of(), 0, 10);
        LossTerms t = new Loss(noCount).evaluate(List.of(trace(5, 6)), List.of(truncated), 0);
        assertEquals(0.25, t.timing(), 1e-12);
        assertEquals(25, t.missing(), 1e-12);
        assertEquals(0, t.count());
    }

    static LossSettings censored(double sigmaNs) {
        return new LossSettings(1, 1, 25, TrainingConfig.Missing.CENSORED, sigmaNs, 0, 1, List.of(), 0, 10,
                TrainingConfig.ClassLoss.SOFTMAX, 0, 0.5, 0.2);
    }

    static StimulusResult windowed(StimulusResult r, double windowNs) {
        return new StimulusResult(r.stimulus(), r.channels(), r.energyPj(), r.spikeCounts(), OptionalDouble.of(windowNs));
    }

    @Test
    void censoredTimingAndMissingShareOneMeanOverEveryTargetedPair() {
        // trace 1: errors +0.3 and a silent channel (window 30 ns, target 7, σ 10 ps: 529.0015933 ns²);
        // trace 2: errors +0.1, +0.2. Four targeted pairs.
        List<Trace> traces = List.of(trace(5, 7), trace(5, 6));
        List<StimulusResult> results = List.of(windowed(result(10, 1, 5.3, Double.NaN), 30), windowed(result(10, 1, 5.1, 6.2), 30));
        LossTerms c = new Loss(censored(0.01)).evaluate(traces, results, 0);
        assertEquals((0.09 + 0.01 + 0.04) / 4, c.timing(), 1e-12);
        assertEquals(529.0015932911509 / 4, c.missing(), 1e-7);
        // the flat penalty on the same measurements: timing over the 3 spikes present, 25 per missing spike per trace
        LossTerms p = new Loss(settings(List.of(), 0)).evaluate(traces, results, 0);
        assertEquals((0.09 + 0.01 + 0.04) / 3, p.timing(), 1e-12);
        assertEquals(12.5, p.missing(), 1e-12);
        // firing just before the window end costs a little less than staying silent: the loss is continuous there
        LossTerms late = new Loss(censored(0.01)).evaluate(traces,
                List.of(windowed(result(10, 1, 5.3, 29.999), 30), windowed(result(10, 1, 5.1, 6.2), 30)), 0);
        assertEquals(0, late.missing());
        assertEquals((529.0015932911509 - 22.999 * 22.999) / 4, c.total() - late.total(), 1e-7);
    }

    @Test
    void censoringNeedsTheWindowEnd() {
        MeasurementException e = assertThrows(MeasurementException.class, () -> new Loss(censored(0.01)).evaluate(
                List.of(trace(5, 7)), List.of(result(10, 1, 5.3, Double.NaN)), 0));
        assertEquals("missing: censored needs the end of the measurement window, but the rig did not report it for the stimulus"
                + " at 4.5 ns; use missing: penalty with this rig", e.getMessage());
    }

    @Test
    void firstSpikesWithinAFemtosecondAreATieNotAWin() {
        StimulusResult tied = result(0, 1, 5.0, 5.0 + 1e-9, 6.0);
        assertEquals(0.0, Loss.accuracy(List.of(labelled(0)), List.of(tied)), "rounding noise decides nothing");
        assertEquals(0.0, Loss.accuracy(List.of(labelled(1)), List.of(tied)));
        StimulusResult apart = result(0, 1, 5.0, 5.0 + 2e-6, 6.0);
        assertEquals(1.0, Loss.accuracy(List.of(labelled(0)), List.of(apart)), "2 fs apart is a decision");
    }
}
