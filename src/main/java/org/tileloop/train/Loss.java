package org.tileloop.train;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * The decomposed temporal loss over a set of traces and their measurements.
 *
 * <ul>
 * <li>timing: mean over (trace, channel) pairs that have a target and a spike of
 *     (calibrated first spike − target)², ns²;</li>
 * <li>missing: {@code missingPenalty} × missing spikes (target present, no spike) per trace;</li>
 * <li>with {@code missing: censored} instead, timing and missing are the two parts of one mean over
 *     every targeted pair: the squared errors of the pairs that fired, and the {@link Tobit} term of
 *     those that stayed silent to their window's end, both divided by the number of targeted pairs;</li>
 * <li>count: mean over traces of Σ |spike count − expected count| over channels with an expected count,
 *     using each channel's true count (which may exceed its timed spikes);</li>
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

    /**
     * @throws MeasurementException the count term is on (count weight ≠ 0, a trace expects counts)
     *                              but a result's spike counts are {@link SpikeCounts#TRUNCATED}, or a
     *                              censored channel's result does not say where its window ended
     */
    public LossTerms evaluate(List<Trace> traces, List<StimulusResult> results, double energyWeight) {
        if (traces.size() != results.size()) {
            throw new IllegalArgumentException(traces.size() + " traces but " + results.size() + " results");
        }
        if (traces.isEmpty()) {
            return new LossTerms(0, 0, 0, 0, 0, 0);
        }
        double sq = 0;
        int present = 0;
        int missing = 0;
        double censored = 0;
        boolean censoring = settings.missing() == TrainingConfig.Missing.CENSORED;
        double count = 0;
        double order = 0;
        double energy = 0;
        double classification = 0;
        for (int t = 0; t < traces.size(); t++) {
            Trace trace = traces.get(t);
            List<ChannelResult> channels = results.get(t).channels();
            boolean countsKnown = results.get(t).spikeCounts() == SpikeCounts.COMPLETE;
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
                        if (censoring) {
                            censored += Tobit.termNs2(windowEndNs(results.get(t)), target.getAsDouble(), settings.timingSigmaNs());
                        }
                    }
                }
                OptionalInt expected = trace.expectedCounts().get(c);
                if (expected.isPresent() && settings.countWeight() != 0) {
                    if (!countsKnown) {
                        throw new MeasurementException("the count loss needs spike counts, but the measurement of the trace at "
                                + Numbers.plain(trace.stimulus().delayNs()) + " ns stopped after the first spikes (counts unknown)");
                    }
                    count += Math.abs(channels.get(c).spikeCount().getAsInt() - expected.getAsInt());
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
            if (trace.label() >= 0) {
                classification += classLoss(trace.label(), channels);
            }
        }
        int n = traces.size();
        int targeted = censoring ? present + missing : present;
        double timing = targeted == 0 ? 0 : sq / targeted;
        double missed = censoring ? (targeted == 0 ? 0 : censored / targeted) : settings.missingPenalty() * missing / n;
        double energyNorm = settings.energyReferencePj() > 0 ? energy / n / settings.energyReferencePj() : 0;
        return new LossTerms(
                settings.timingWeight() * timing,
                settings.missingWeight() * missed,
                settings.countWeight() * count / n,
                settings.orderWeight() * order / n,
                energyWeight * energyNorm,
                settings.classWeight() * classification / n);
    }

    /** Where {@code r}'s window ended (ns), which a censored silent channel needs. */
    static double windowEndNs(StimulusResult r) {
        if (r.windowNs().isEmpty()) {
            throw new MeasurementException("missing: censored needs the end of the measurement window, but the rig did not report it"
                    + " for the stimulus at " + Numbers.plain(r.stimulus().delayNs()) + " ns; use missing: penalty with this rig");
        }
        return r.windowNs().getAsDouble();
    }

    /**
     * Time-to-first-spike classification of one trace: the label's channel should fire first.
     * A channel that did not fire counts as firing 5 temperatures after the latest first spike.
     * softmax: cross-entropy of softmax(−t/T); hinge: max(0, t_label − min others + margin)², ns².
     */
    double classLoss(int label, List<ChannelResult> channels) {
        double[] t = firstTimes(channels, settings.temperatureNs());
        if (settings.classLoss() == TrainingConfig.ClassLoss.HINGE) {
            double others = Double.MAX_VALUE;
            for (int c = 0; c < t.length; c++) {
                if (c != label) {
                    others = Math.min(others, t[c]);
                }
            }
            double v = t[label] - others + settings.classMarginNs();
            return v > 0 ? v * v : 0;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double x : t) {
            max = Math.max(max, -x / settings.temperatureNs());
        }
        double sum = 0;
        for (double x : t) {
            sum += Math.exp(-x / settings.temperatureNs() - max);
        }
        return -(-t[label] / settings.temperatureNs() - max) + Math.log(sum);
    }

    static double[] firstTimes(List<ChannelResult> channels, double temperatureNs) {
        double latest = 0;
        boolean any = false;
        for (ChannelResult c : channels) {
            if (c.firstSpike().isPresent()) {
                latest = any ? Math.max(latest, c.firstSpike().get().calibratedNs()) : c.firstSpike().get().calibratedNs();
                any = true;
            }
        }
        double[] t = new double[channels.size()];
        for (int c = 0; c < t.length; c++) {
            t[c] = channels.get(c).firstSpike().map(x -> x.calibratedNs()).orElse(latest + 5 * temperatureNs);
        }
        return t;
    }

    /** Closer first spikes than this (ns, 1 fs) are a tie: a symmetric circuit's outputs differ only by rounding. */
    public static final double TIE_NS = 1e-6;

    /**
     * Fraction of labelled traces whose label channel fired first, more than {@link #TIE_NS}
     * before every other channel; NaN when none is labelled.
     */
    public static double accuracy(List<Trace> traces, List<StimulusResult> results) {
        int labelled = 0;
        int right = 0;
        for (int i = 0; i < traces.size(); i++) {
            int label = traces.get(i).label();
            if (label < 0) {
                continue;
            }
            labelled++;
            List<ChannelResult> ch = results.get(i).channels();
            var own = ch.get(label).firstSpike();
            boolean first = own.isPresent();
            for (int c = 0; c < ch.size() && first; c++) {
                if (c != label && ch.get(c).firstSpike().isPresent()
                        && ch.get(c).firstSpike().get().calibratedNs() <= own.get().calibratedNs() + TIE_NS) {
                    first = false;
                }
            }
            right += first ? 1 : 0;
        }
        return labelled == 0 ? Double.NaN : (double) right / labelled;
    }
}
