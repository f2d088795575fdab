package org.tileloop.train;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * The decomposed temporal loss over a set of traces and their measurements.
 *
 * <ul>
 * <li>timing: mean over (trace, channel) pairs that have a target and a spike of
 *     (calibrated first spike − target)², ns²;</li>
 * <li>missing: {@code missingPenalty} × missing spikes (target present, no spike) per trace;</li>
 * <li>count: mean over traces of Σ |spike count − expected count| over channels with an expected count;</li>
 * <li>order: mean over traces of Σ over required pairs (a before b) of
 *     max(0, t_a + margin − t_b)², ns²; pairs with a missing spike are left to the missing term;</li>
 * <li>energy: mean energy per trace / reference energy, times the scheduled energy weight.</li>
 * </ul>
 * Every term is finite: no spikes present means zero timing error, not NaN.
 */
public final class Loss {
    private final LossSettings settings;

    public Loss(LossSettings settings) {
        this.settings = settings;
    }

    public LossTerms evaluate(List<Trace> traces, List<StimulusResult> results, double energyWeight) {
        if (traces.size() != results.size()) {
            throw new IllegalArgumentException(traces.size() + " traces but " + results.size() + " results");
        }
        if (traces.isEmpty()) {
            return new LossTerms(0, 0, 0, 0, 0);
        }
        double sq = 0;
        int present = 0;
        int missing = 0;
        double count = 0;
        double order = 0;
        double energy = 0;
        for (int t = 0; t < traces.size(); t++) {
            Trace trace = traces.get(t);
            List<ChannelResult> channels = results.get(t).channels();
            for (int c = 0; c < channels.size(); c++) {
                OptionalDouble target = trace.targetsNs().get(c);
                Optional<Timing> first = channels.get(c).firstSpike();
                if (target.isPresent()) {
                    if (first.isPresent()) {
                        double e = first.get().calibratedNs() - target.getAsDouble();
                        sq += e * e;
                        present++;
                    } else {
                        missing++;
                    }
                }
                OptionalInt expected = trace.expectedCounts().get(c);
                if (expected.isPresent()) {
                    count += Math.abs(channels.get(c).spikeCount() - expected.getAsInt());
                }
            }
            for (int[] pair : settings.orderPairs()) {
                Optional<Timing> a = channels.get(pair[0]).firstSpike();
                Optional<Timing> b = channels.get(pair[1]).firstSpike();
                if (a.isPresent() && b.isPresent()) {
                    double v = a.get().calibratedNs() + settings.orderMarginNs() - b.get().calibratedNs();
                    if (v > 0) {
                        order += v * v;
                    }
                }
            }
            energy += results.get(t).energyPj().orElse(0);
        }
        int n = traces.size();
        double timing = present == 0 ? 0 : sq / present;
        double energyNorm = settings.energyReferencePj() > 0 ? energy / n / settings.energyReferencePj() : 0;
        return new LossTerms(
                settings.timingWeight() * timing,
                settings.missingWeight() * settings.missingPenalty() * missing / n,
                settings.countWeight() * count / n,
                settings.orderWeight() * order / n,
                energyWeight * energyNorm);
    }
}
