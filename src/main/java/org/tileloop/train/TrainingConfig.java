package org.tileloop.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tileloop.rig.RigDescription;

/**
 * A training run's configuration, immutable and typed, grouped by concern. Read from YAML by
 * {@link TrainingConfigBuilder} (README "Training" lists the keys); {@link #asMap()} gives the
 * keys back as written, for run manifests.
 */
public final class TrainingConfig {

    public enum Split {
        TRAIN, HOLDOUT;

        /** The name as written in configs and files ({@link Trace#split()}). */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum TargetMode { ABSOLUTE, MEASURED_ANCHOR_SHIFT }

    /** Which traces the anchor measurement of {@code measured_anchor_shift} probes. */
    public enum ProbeSplit { TRAIN, ALL }

    public enum ClassLoss { SOFTMAX, HINGE }

    /** How a targeted channel that did not fire is scored (README "Censored missing spikes"). */
    public enum Missing { PENALTY, CENSORED }

    /** How a first-spike measurement ends: at a predicted stop time ({@link PredictedStop}), or by autostop only. */
    public enum StopRule { PREDICTED, AUTOSTOP }

    public enum Estimator { CENTRAL, FORWARD, SPSA }

    public enum LrSchedule { INVERSE, EXPONENTIAL, STEP, SPALL }

    public enum DriftAction { PAUSE, RECALIBRATE }

    public enum Optimizer {
        NORMALIZED, SGD, MOMENTUM, ADAM, GAUSS_NEWTON, TWIN_GAUSS_NEWTON, CMAES, BOBYQA, NELDER_MEAD, BAYES;

        /**
         * Optimizers that need no gradient and keep the energy weight fixed: the Commons Math ones
         * (iterations is the evaluation budget) and bayes (iterations is the number of rounds).
         */
        public boolean derivativeFree() {
            return this == CMAES || this == BOBYQA || this == NELDER_MEAD || this == BAYES;
        }

        /** The name as written in configs. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One pattern of a multi-pattern task.
     *
     * @param set untrainable parameters this pattern sets (e.g. an input amplitude)
     * @param targetsNs one per channel, null for none; empty for no targets
     * @param classLabel the channel that should fire first, for classification
     */
    public record Pattern(String name, Split split, Map<String, Double> inputsNs, Map<String, Double> set,
                          List<Double> targetsNs, Optional<String> classLabel) {
    }

    /**
     * What is trained on which traces, towards what.
     *
     * @param trainable parameter names; empty: the rig's default trainable set
     * @param targetsNs absolute targets: delay key ({@link #key}) to per-channel first-spike times
     * @param targetChannels the channel order of {@code targetsNs}; empty: the rig's
     */
    public record Task(List<String> trainable, Map<String, Double> initial, List<Double> trainDelaysNs,
                       List<Double> holdoutDelaysNs, List<Pattern> patterns, Map<String, Double> fixedInputsNs,
                       TargetMode targetMode, Map<String, List<Double>> targetsNs, List<String> targetChannels,
                       Map<String, Double> anchor, List<Double> anchorShiftNs, ProbeSplit anchorProbeSplit,
                       List<Integer> expectedCounts) {
    }

    /**
     * The weights and options of the decomposed loss (README "Loss").
     *
     * @param missing how a silent targeted channel counts: a flat {@code missingPenaltyNs2}, or censored at
     *                the window end under Gaussian timing noise of σ = {@code timingSigmaPs}
     */
    public record LossWeights(double timingWeight, double missingWeight, double missingPenaltyNs2, Missing missing, double timingSigmaPs,
                              double countWeight, double orderWeight, List<List<String>> orderPairs, double orderMarginNs,
                              double energyWeightStart, double energyWeightEnd, double energyReferencePj, ClassLoss classLoss,
                              double classWeight, double temperatureNs, double classMarginNs) {
    }

    /**
     * How gradients are estimated; steps in unit coordinates.
     *
     * @param stopRule how the first-spike measurements of perturbed points end; {@code stopMarginNs} its least margin
     */
    public record Estimation(Estimator estimator, double fdStep, double spsaC, double spsaGamma, int spsaResamplings, int repeats,
                             StopRule stopRule, double stopMarginNs) {
    }

    /** How the point moves; steps and radii in unit coordinates. */
    public record Optimization(Optimizer optimizer, double dfoStep, double gnLambda, LrSchedule lrSchedule, double stepSize,
                               double stepDecay, int stepEvery, double maxStep, double spallA, double spallAlpha,
                               double clipValue, double clipNorm, double beta1, double beta2, double epsilon) {
    }

    /**
     * The simulated twin of the trained rig.
     *
     * @param rigFile the twin's rig file as written, relative to the training config; empty: no twin
     * @param refresh twin_gauss_newton measures a rig Jacobian every this many iterations (0: only on disagreement)
     * @param disagreement the relative error of the predicted timing-loss change that triggers a rig Jacobian
     */
    public record Twin(Optional<String> rigFile, int refresh, double disagreement) {
    }

    /**
     * How long the run goes and how it is watched.
     *
     * @param finalRepeats measurements of the final point, train and holdout traces, after the last
     *                     iteration (0: none), reported as mean and spread
     */
    public record Schedule(int iterations, long seed, int evalEvery, int patience, double minImprovement, Split earlyStopSplit,
                           int finalRepeats) {
    }

    /**
     * Bayesian optimisation ({@code optimizer: bayes}).
     *
     * @param batch points per round after round 0
     * @param initial points of round 0 (the start point included); empty: 2d + 1, or 1 with a warm start
     * @param warmStart the earlier run's evaluations, when {@code warm_start} is set and the config
     *                  was read from its file (a config recorded in a manifest does not carry them:
     *                  a resumed run has them in its saved state)
     */
    public record Bayes(int batch, java.util.OptionalInt initial, Optional<WarmStart> warmStart) {
    }

    /** Drift checks (0 {@code checkEvery}: none). */
    public record Drift(int checkEvery, double referenceDelayNs, double thresholdPs, DriftAction action) {
    }

    private final Task task;
    private final LossWeights loss;
    private final Estimation estimation;
    private final Optimization optimization;
    private final Bayes bayes;
    private final Schedule schedule;
    private final Drift drift;
    private final Twin twin;
    private final Map<String, Object> written;

    private TrainingConfig(TrainingConfigBuilder b) {
        this.task = new Task(List.copyOf(b.trainable), ordered(b.initial), List.copyOf(b.trainDelaysNs), List.copyOf(b.holdoutDelaysNs),
                b.patterns.stream().map(p -> new Pattern(p.name, value(Split.class, p.split), ordered(p.inputsNs), ordered(p.set),
                        java.util.Collections.unmodifiableList(new java.util.ArrayList<>(p.targetsNs)), Optional.ofNullable(p.classLabel))).toList(),
                ordered(b.fixedInputsNs), value(TargetMode.class, b.targetMode),
                targets(b.targetsNs), List.copyOf(b.targetChannels),
                ordered(b.anchor), List.copyOf(b.anchorShiftNs), value(ProbeSplit.class, b.anchorProbeSplit), List.copyOf(b.expectedCounts));
        this.loss = new LossWeights(b.timingWeight, b.missingWeight, b.missingPenaltyNs2, value(Missing.class, b.missing), b.timingSigmaPs,
                b.countWeight, b.orderWeight,
                b.orderPairs.stream().map(List::copyOf).toList(), b.orderMarginNs, b.energyWeightStart, b.energyWeightEnd,
                b.energyReferencePj, value(ClassLoss.class, b.classLoss), b.classWeight, b.temperatureNs, b.classMarginNs);
        this.estimation = new Estimation(value(Estimator.class, b.estimator), b.fdStep, b.spsaC, b.spsaGamma, b.spsaResamplings, b.repeats,
                value(StopRule.class, b.stopRule), b.stopMarginNs);
        this.optimization = new Optimization(value(Optimizer.class, b.optimizer), b.dfoStep, b.gnLambda, value(LrSchedule.class, b.lrSchedule),
                b.stepSize, b.stepDecay, b.stepEvery, b.maxStep, b.spallA, b.spallAlpha, b.clipValue, b.clipNorm, b.beta1, b.beta2, b.epsilon);
        this.bayes = new Bayes(b.bayesBatch, b.bayesInitial == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(b.bayesInitial),
                Optional.ofNullable(b.warmStartData));
        this.schedule = new Schedule(b.iterations, b.seed, b.evalEvery, b.patience, b.minImprovement, value(Split.class, b.earlyStopSplit),
                b.finalRepeats);
        this.twin = new Twin(Optional.ofNullable(b.twin), b.twinRefresh, b.twinDisagreement);
        this.drift = new Drift(b.driftCheckEvery, b.driftReferenceDelayNs, b.driftThresholdPs, value(DriftAction.class, b.driftAction));
        this.written = java.util.Collections.unmodifiableMap(b.asMap());
    }

    static TrainingConfig of(TrainingConfigBuilder checked) {
        return new TrainingConfig(checked);
    }

    /** Reads and checks a training config file (at most 1 MiB, YAML). */
    public static TrainingConfig load(Path file) {
        return TrainingConfigBuilder.load(file).build(file.toString());
    }

    /** A config recorded by {@link #asMap()} (e.g. in a run manifest), checked again. */
    public static TrainingConfig fromMap(Map<String, Object> recorded, String source) {
        return TrainingConfigBuilder.fromMap(recorded, source).build(source);
    }

    /** An editable copy, e.g. for a command-line override. */
    public TrainingConfigBuilder toBuilder() {
        TrainingConfigBuilder b = TrainingConfigBuilder.fromMap(written, "training config");
        b.warmStartData = bayes.warmStart().orElse(null);
        return b;
    }

    /** The keys and values as written in YAML (snake_case), for run manifests. */
    public Map<String, Object> asMap() {
        return written;
    }

    public Task task() {
        return task;
    }

    public LossWeights loss() {
        return loss;
    }

    public Estimation estimation() {
        return estimation;
    }

    public Optimization optimization() {
        return optimization;
    }

    public Bayes bayes() {
        return bayes;
    }

    public Schedule schedule() {
        return schedule;
    }

    public Drift drift() {
        return drift;
    }

    public Twin twin() {
        return twin;
    }

    /** Shorthand for {@code schedule().iterations()}: the last iteration (derivative-free: the evaluation budget). */
    public int iterations() {
        return schedule.iterations();
    }

    /** How a delay is written as a key of {@code targets_ns} ("4.5"). */
    public static String key(double delayNs) {
        return org.tileloop.rig.Numbers.plain(delayNs);
    }

    /**
     * The checks that need the rig: every name refers to one of its parameters, channels or inputs,
     * every value given for a parameter lies inside its bounds, and per-channel lists have one
     * entry per channel.
     */
    public void checkAgainst(RigDescription rig, String file) {
        new RigCheck(this, rig, file).run();
    }

    private static Map<String, List<Double>> targets(Map<String, List<Double>> m) {
        Map<String, List<Double>> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, java.util.Collections.unmodifiableList(new java.util.ArrayList<>(v))));
        return java.util.Collections.unmodifiableMap(out);
    }

    private static <K, V> Map<K, V> ordered(Map<K, V> m) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
    }

    private static <E extends Enum<E>> E value(Class<E> type, String written) {
        return Enum.valueOf(type, written.toUpperCase(Locale.ROOT));
    }
}
