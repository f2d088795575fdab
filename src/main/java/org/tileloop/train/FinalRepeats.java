package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.StimulusResult;

/**
 * The run's final point measured again at its end (config {@code final_repeats}), so the
 * recommended parameters come with a measured mean and spread instead of one remembered value.
 *
 * @param repeats how many times every train and holdout trace was measured
 * @param measurements stimuli these repeats took (part of the run's measurement count)
 * @param trainLossNs2 the train loss of each repeat
 * @param holdoutLossNs2 the holdout loss of each repeat (count 0 when the task has no holdout traces)
 * @param firstSpikes per trace (train, then holdout) and channel, the first spike over the repeats it fired in
 */
public record FinalRepeats(int repeats, long measurements, Spread trainLossNs2, Spread holdoutLossNs2, List<ChannelSpread> firstSpikes) {

    public FinalRepeats {
        firstSpikes = List.copyOf(firstSpikes);
    }

    /**
     * A sample's size, mean and standard deviation (n − 1 in the denominator; 0 for fewer than two
     * values; mean and sd 0 for none).
     */
    public record Spread(int count, double mean, double sd) {

        static Spread of(SummaryStatistics s) {
            int n = (int) s.getN();
            return new Spread(n, n == 0 ? 0 : s.getMean(), n < 2 ? 0 : s.getStandardDeviation());
        }
    }

    /**
     * One channel of one trace over the repeats.
     *
     * @param pattern the trace's pattern name, empty for a delay trace
     * @param targetNs the channel's target, null for none
     * @param firstSpikeNs calibrated first spikes; its count is the number of repeats the channel fired in
     */
    public record ChannelSpread(String split, double delayNs, String pattern, String channel, Double targetNs, Spread firstSpikeNs) {
    }

    /**
     * Measures {@code at} {@code repeats} times on every train and holdout trace of {@code task}, as
     * one batch, and scores each repeat with {@code loss} (energy weight {@code energyWeight}).
     */
    static FinalRepeats measure(Rig rig, TrainingTask task, ParameterVector at, Loss loss, double energyWeight, int repeats) {
        List<Trace> traces = new ArrayList<>(task.train());
        traces.addAll(task.holdout());
        List<Probe> batch = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            traces.forEach(t -> batch.add(new Probe(t.apply(at), t.stimulus(), task.window())));
        }
        List<StimulusResult> results = rig.measure(batch);
        int tsize = task.train().size();
        SummaryStatistics train = new SummaryStatistics();
        SummaryStatistics holdout = new SummaryStatistics();
        List<List<SummaryStatistics>> spikes = new ArrayList<>();
        traces.forEach(t -> spikes.add(new ArrayList<>()));
        for (int r = 0; r < repeats; r++) {
            List<StimulusResult> one = results.subList(r * traces.size(), (r + 1) * traces.size());
            train.addValue(loss.evaluate(task.train(), one.subList(0, tsize), energyWeight).total());
            if (!task.holdout().isEmpty()) {
                holdout.addValue(loss.evaluate(task.holdout(), one.subList(tsize, one.size()), energyWeight).total());
            }
            for (int t = 0; t < traces.size(); t++) {
                var channels = one.get(t).channels();
                for (int c = 0; c < channels.size(); c++) {
                    if (spikes.get(t).size() <= c) {
                        spikes.get(t).add(new SummaryStatistics());
                    }
                    var first = channels.get(c).firstSpike();
                    if (first.isPresent()) {
                        spikes.get(t).get(c).addValue(first.get().calibratedNs());
                    }
                }
            }
        }
        List<ChannelSpread> out = new ArrayList<>();
        for (int t = 0; t < traces.size(); t++) {
            Trace trace = traces.get(t);
            for (int c = 0; c < spikes.get(t).size(); c++) {
                var target = trace.targetsNs().get(c);
                out.add(new ChannelSpread(trace.split(), trace.stimulus().delayNs(), trace.pattern(), results.get(t).channels().get(c).name(),
                        target.isPresent() ? target.getAsDouble() : null, Spread.of(spikes.get(t).get(c))));
            }
        }
        return new FinalRepeats(repeats, results.size(), Spread.of(train), Spread.of(holdout), out);
    }
}
