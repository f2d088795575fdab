package org.tileloop.train;

import java.util.List;
import java.util.Optional;
import org.tileloop.rig.StimulusResult;

/**
 * Gradient methods: finite differences or SPSA for the gradient, then an update rule
 * (normalized, sgd, momentum, adam) or a damped Gauss–Newton step on the per-channel residuals.
 */
final class GradientStepper implements Stepper {

    private final TrainingConfig config;
    private final GradientEstimator estimator;
    private final UpdateRule rule;
    private final List<Trace> train;

    GradientStepper(TrainingConfig config, List<Trace> train, double[][] savedState) {
        this.config = config;
        this.train = train;
        this.estimator = config.estimation().estimator() == TrainingConfig.Estimator.SPSA
                ? new Spsa(config.estimation().spsaC(), config.estimation().spsaGamma(), config.estimation().spsaResamplings(), config.schedule().seed())
                : new FiniteDifference(config.estimation().estimator() == TrainingConfig.Estimator.FORWARD ? FiniteDifference.Scheme.FORWARD
                        : FiniteDifference.Scheme.CENTRAL, config.estimation().fdStep());
        this.rule = new UpdateRule(config.optimization().optimizer(), config.optimization().lrSchedule(), config.optimization().stepSize(), config.optimization().stepDecay(), config.optimization().stepEvery(),
                config.optimization().maxStep(), config.optimization().clipValue(), config.optimization().clipNorm(), config.optimization().beta1(), config.optimization().beta2(), config.optimization().epsilon())
                .withSpallGains(config.optimization().spallA(), config.optimization().spallAlpha());
        rule.restore(savedState);
    }

    @Override
    public Plan plan(int k, double[] u, boolean last) {
        return new Plan(last ? List.of(u.clone()) : estimator.points(u, k), last, Optional.empty());
    }

    @Override
    public int repeats(Plan plan) {
        return plan.finalRow() ? 1 : config.estimation().repeats();
    }

    @Override
    public Move move(int k, double[] u, Plan plan, double[] losses, List<List<StimulusResult>> perPoint) {
        double[] step = new double[u.length];
        if (plan.finalRow()) {
            return new Move(u.clone(), new double[u.length], step);
        }
        double[] grad = estimator.gradient(plan.points(), losses, k);
        if (config.optimization().optimizer() != TrainingConfig.Optimizer.GAUSS_NEWTON) {
            return new Move(rule.apply(u, grad, k, step), grad, step);
        }
        double[] delta = GaussNewton.of(config).step((FiniteDifference) estimator, plan.points(), perPoint, train);
        double[] next = u.clone();
        for (int i = 0; i < u.length; i++) {
            double si = Math.max(-config.optimization().maxStep(), Math.min(config.optimization().maxStep(), delta[i]));
            next[i] = Math.max(0, Math.min(1, u[i] + si));
            step[i] = next[i] - u[i];
        }
        return new Move(next, grad, step);
    }

    @Override
    public double[][] state() {
        return rule.state();
    }

    @Override
    public boolean earlyStops() {
        return true;
    }

    @Override
    public void close() {
    }
}
