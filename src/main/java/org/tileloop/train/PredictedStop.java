package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * The predicted stop ({@code stop_rule: predicted}): "stop when the answer is known". An
 * iteration's batch is measured in two parts. First the base point's train traces and the holdout
 * traces, over the rig's whole window (a simulated rig still stops once every channel has fired).
 * From them each train trace gets a stop time: the latest target or base-point first spike of the
 * channels its loss reads, plus a margin learned from the batch, the larger of
 * {@code stop_margin_ns} and twice the base point's largest |first spike − target|. Then the
 * other points' train traces, each ending its window at its trace's stop time: a channel that has
 * not fired by then is reported silent, its window ending there.
 *
 * <p>Falls back to the whole window for a trace whose needed channel did not fire at the base point
 * (its perturbations may be what makes it fire, however late), and for the whole batch when the
 * loss needs spike counts or energy, or the batch has a single point. Deterministic: the stop
 * times depend only on the batch's own base measurement.
 */
public final class PredictedStop {

    private final TrainingTask task;
    private final List<boolean[]> needed;

    PredictedStop(TrainingTask task) {
        this.task = task;
        this.needed = new ArrayList<>();
        int channels = task.rig().channels().size();
        LossSettings loss = task.lossSettings(0);
        List<int[]> pairs = loss.orderWeight() > 0 ? loss.orderPairs() : List.of();
        for (Trace t : task.train()) {
            boolean[] n = new boolean[channels];
            for (int c = 0; c < channels; c++) {
                n[c] = t.targetsNs().get(c).isPresent() || t.label() >= 0;
            }
            pairs.forEach(p -> {
                n[p[0]] = true;
                n[p[1]] = true;
            });
            needed.add(n);
        }
    }

    /** Whether batches of {@code task} are measured in two parts with predicted stops. */
    static boolean applies(TrainingTask task) {
        return task.config().estimation().stopRule() == TrainingConfig.StopRule.PREDICTED && task.window() == Probe.Window.FIRST_SPIKES;
    }

    /**
     * How {@code task}'s measurements end, for the run manifest: {@code predicted}, {@code autostop}
     * (first spikes, stop once all fired), {@code full_window} (the loss needs counts or energy) or
     * {@code rig_window} (the rig's own window: a bench).
     */
    public static String manifestRule(TrainingTask task, Rig rig) {
        if (task.window() == Probe.Window.FULL) {
            return "full_window";
        }
        if (!rig.honoursStopTimes()) {
            return "rig_window";
        }
        return applies(task) ? "predicted" : "autostop";
    }

    /**
     * Measures {@code batch}, laid out as the trainer builds it: {@code baseCount} probes of the base
     * point (its train traces, repeated), then the other points' train traces up to {@code trainEnd},
     * then holdout traces. Results come back in batch order.
     */
    List<StimulusResult> measure(Rig rig, List<Probe> batch, int baseCount, int trainEnd) {
        if (baseCount >= trainEnd) {
            return rig.measure(batch);
        }
        List<Probe> first = new ArrayList<>(batch.subList(0, baseCount));
        first.addAll(batch.subList(trainEnd, batch.size()));
        List<StimulusResult> firstResults = rig.measure(first);
        List<StimulusResult> base = firstResults.subList(0, baseCount);
        List<OptionalDouble> stops = stops(base);
        List<Probe> rest = new ArrayList<>();
        int traces = task.train().size();
        for (int i = baseCount; i < trainEnd; i++) {
            OptionalDouble stop = stops.get(i % traces);
            rest.add(stop.isPresent() ? batch.get(i).stoppingAt(stop.getAsDouble()) : batch.get(i));
        }
        List<StimulusResult> restResults = rig.measure(rest);
        List<StimulusResult> out = new ArrayList<>(base);
        out.addAll(restResults);
        out.addAll(firstResults.subList(baseCount, firstResults.size()));
        return out;
    }

    /**
     * Per train trace, its stop time (stimulus time, ns), from the base point's results (every
     * repeat, in trace order); empty: the whole window.
     */
    List<OptionalDouble> stops(List<StimulusResult> base) {
        int traces = task.train().size();
        double largestErrorNs = 0;
        double[] latest = new double[traces];
        boolean[] silent = new boolean[traces];
        for (int i = 0; i < base.size(); i++) {
            int t = i % traces;
            Trace trace = task.train().get(t);
            List<ChannelResult> channels = base.get(i).channels();
            for (int c = 0; c < channels.size(); c++) {
                if (!needed.get(t)[c]) {
                    continue;
                }
                Optional<Timing> first = channels.get(c).firstSpike();
                if (first.isEmpty()) {
                    silent[t] = true;
                    continue;
                }
                double at = first.get().calibratedNs();
                latest[t] = Math.max(latest[t], at);
                OptionalDouble target = trace.targetsNs().get(c);
                if (target.isPresent()) {
                    latest[t] = Math.max(latest[t], target.getAsDouble());
                    largestErrorNs = Math.max(largestErrorNs, Math.abs(at - target.getAsDouble()));
                }
            }
        }
        double marginNs = Math.max(task.config().estimation().stopMarginNs(), 2 * largestErrorNs);
        List<OptionalDouble> out = new ArrayList<>();
        for (int t = 0; t < traces; t++) {
            out.add(silent[t] || latest[t] <= 0 ? OptionalDouble.empty() : OptionalDouble.of(latest[t] + marginNs));
        }
        return out;
    }
}
