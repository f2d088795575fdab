package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * The timing residuals {@code optimizer: bayes} models where the loss is made of them (README
 * "Bayesian optimisation"): one per targeted channel of each train trace, in trace and channel
 * order, and the loss as a function of them ({@link ResidualSurrogate.Composite}). Immutable.
 */
final class BayesResiduals {

    private final TrainingConfig config;
    private final List<Trace> train;
    private final LossSettings loss;
    private final List<GaussNewton.Key> keys;

    private BayesResiduals(TrainingConfig config, List<Trace> train, LossSettings loss, List<GaussNewton.Key> keys) {
        this.config = config;
        this.train = train;
        this.loss = loss;
        this.keys = keys;
    }

    /**
     * The residuals of {@code task}, or none when its loss is not made of them: a count, energy or
     * class term, an order pair on a channel without a target, no timing target, or a warm start
     * (whose rows carry losses only).
     */
    static Optional<BayesResiduals> of(TrainingConfig config, TrainingTask task) {
        TrainingConfig.LossWeights w = config.loss();
        List<Trace> train = task.train();
        LossSettings settings = task.lossSettings(0);
        List<GaussNewton.Key> keys = new ArrayList<>();
        for (int t = 0; t < train.size(); t++) {
            for (int c = 0; c < train.get(t).targetsNs().size(); c++) {
                if (train.get(t).targetsNs().get(c).isPresent()) {
                    keys.add(new GaussNewton.Key(t, c));
                }
            }
        }
        boolean ordersTargeted = settings.orderPairs().stream().allMatch(p -> IntStream.range(0, train.size())
                .allMatch(t -> keys.contains(new GaussNewton.Key(t, p[0])) && keys.contains(new GaussNewton.Key(t, p[1]))));
        boolean residualsOnly = w.timingWeight() > 0 && !keys.isEmpty()
                && (w.countWeight() == 0 || train.stream().allMatch(t -> t.expectedCounts().stream().allMatch(c -> c.isEmpty())))
                && (w.orderWeight() == 0 || ordersTargeted)
                && (w.classWeight() == 0 || train.stream().allMatch(t -> t.label() < 0))
                && w.energyWeightStart() == 0 && w.energyWeightEnd() == 0;
        boolean warm = config.bayes().warmStart().isPresent() || config.asMap().get("warm_start") != null;
        return residualsOnly && !warm ? Optional.of(new BayesResiduals(config, train, settings, List.copyOf(keys))) : Optional.empty();
    }

    /** How many residuals a point has. */
    int size() {
        return keys.size();
    }

    /**
     * Each targeted channel's residual at one point, ns: first spike − target where it fired;
     * where it stayed silent, the censored residual ({@code missing: censored}), else window end −
     * target (the earliest time the silence allows), or √(missing penalty) if the rig did not say
     * where its window ended.
     *
     * @param results the point's train results, in trace order
     */
    double[] of(List<StimulusResult> results) {
        double[] r = new double[keys.size()];
        double sigmaNs = config.loss().timingSigmaPs() / 1000;
        for (int j = 0; j < r.length; j++) {
            GaussNewton.Key key = keys.get(j);
            StimulusResult result = results.get(key.trace());
            double target = train.get(key.trace()).targetsNs().get(key.channel()).getAsDouble();
            Optional<Timing> first = result.channels().get(key.channel()).firstSpike();
            if (first.isPresent()) {
                r[j] = first.get().calibratedNs() - target;
            } else if (config.loss().missing() == TrainingConfig.Missing.CENSORED) {
                r[j] = Tobit.residualNs(Loss.windowEndNs(result), target, sigmaNs);
            } else {
                r[j] = result.windowNs().isPresent() ? result.windowNs().getAsDouble() - target : Math.sqrt(config.loss().missingPenaltyNs2());
            }
        }
        return r;
    }

    /** The loss as a function of these residuals. */
    ResidualSurrogate.Composite composite() {
        List<int[]> pairs = new ArrayList<>();
        List<Double> offsets = new ArrayList<>();
        if (loss.orderWeight() != 0) {
            for (int t = 0; t < train.size(); t++) {
                for (int[] p : loss.orderPairs()) {
                    pairs.add(new int[] {keys.indexOf(new GaussNewton.Key(t, p[0])), keys.indexOf(new GaussNewton.Key(t, p[1]))});
                    offsets.add(train.get(t).targetsNs().get(p[0]).getAsDouble() - train.get(t).targetsNs().get(p[1]).getAsDouble()
                            + loss.orderMarginNs());
                }
            }
        }
        return new ResidualSurrogate.Composite(loss.timingWeight(), pairs.toArray(int[][]::new),
                offsets.stream().mapToDouble(Double::doubleValue).toArray(), loss.orderWeight() / train.size());
    }
}
