package org.tileloop.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;

/**
 * Perturb-measure-update loop. Talks to the rig only through {@link Rig}; each iteration's
 * perturbation points, train traces and (every {@code eval_every}) holdout traces go to the rig
 * as one batch. Rows are appended and flushed to {@code iterations.csv} and {@code traces.csv}
 * as each iteration completes. Holdout losses are logged, never used for updates.
 */
public final class Trainer {

    /** What one iteration reports to a progress display. */
    public record Progress(int iteration, int iterations, double lossTrain, double lossHoldout, long measurements) {
    }

    /**
     * The outcome of a run, complete or stopped at an iteration boundary.
     *
     * @param train per completed iteration, the train loss terms
     * @param holdout per completed iteration, the holdout loss terms (null where not evaluated)
     * @param last the parameters at the last completed iteration
     */
    public record Outcome(List<LossTerms> train, List<LossTerms> holdout, ParameterVector initial, ParameterVector last,
                          long measurements, boolean completed, String stopReason) {

        public int lastIteration() {
            return train.size() - 1;
        }
    }

    /**
     * Everything an iteration produced, for live telemetry. Called on the training thread after
     * the iteration is saved; implementations must return quickly and never throw.
     *
     * @param holdout null when the holdout was not evaluated this iteration
     * @param driftPs NaN when no drift check ran
     */
    public record IterationRecord(int iteration, int iterations, long measurements, LossTerms train, LossTerms holdout,
                                  Map<String, Double> parameters, Map<String, Double> gradient, Map<String, Double> step,
                                  double driftPs, String calibrationId) {
    }

    /** Live observer of a run (telemetry). Default methods do nothing. */
    public interface Listener {
        default void iteration(IterationRecord record) {
        }

        /** One measured trace of the current point (train and holdout), after the iteration is saved. */
        default void measured(int iteration, Trace trace, StimulusResult result) {
        }
    }

    /** Produces a fresh calibration when a drift check fails and {@code drift_action} is {@code recalibrate}. */
    @FunctionalInterface
    public interface Recalibration {
        Calibration recalibrate(int iteration, double driftPs);
    }

    private final Rig rig;
    private final TrainingConfig config;
    private final RigDescription description;
    private Recalibration recalibration = (k, d) -> {
        throw new DriftException("drift_action recalibrate needs a calibration procedure");
    };

    private Listener listener = new Listener() {
    };

    public Trainer withListener(Listener l) {
        this.listener = l;
        return this;
    }

    /** How to recalibrate when drift_action is recalibrate. */
    public Trainer withRecalibration(Recalibration r) {
        this.recalibration = r;
        return this;
    }

    public Trainer(Rig rig, TrainingConfig config) {
        this.rig = rig;
        this.config = config;
        this.description = rig.description();
    }

    /**
     * Runs (or, when {@code outDir} holds a {@link RunState}, continues) the loop. Before each
     * iteration {@code stopRequested} is asked; when it says yes the run stops there, with every
     * completed iteration saved, and the outcome is not {@code completed}.
     */
    public Outcome run(Path outDir, Consumer<Progress> progress, BooleanSupplier stopRequested) throws IOException {
        List<ParameterSpec> trainable = new ArrayList<>();
        List<String> names = config.trainable.isEmpty()
                ? description.parameters().stream().filter(ParameterSpec::trainable).map(ParameterSpec::name).toList()
                : config.trainable;
        for (String n : names) {
            trainable.add(description.parameter(n).orElseThrow(() -> new RigConfigurationException(
                    "training config: trainable: '" + n + "' is not a parameter of rig " + description.id())));
        }
        ParameterVector initial = description.withOverrides(config.initial);
        ParameterSpace space = new ParameterSpace(trainable, initial);
        List<Trace> train = config.patterns.isEmpty() ? traces(Trace.TRAIN, config.trainDelaysNs) : patterns(Trace.TRAIN, trainable);
        List<Trace> holdout = config.patterns.isEmpty() ? traces(Trace.HOLDOUT, config.holdoutDelaysNs) : patterns(Trace.HOLDOUT, trainable);
        Files.createDirectories(outDir);
        Path itFile = outDir.resolve("iterations.csv");
        Path trFile = outDir.resolve("traces.csv");
        RunState state = RunState.load(outDir).orElse(null);
        if (state == null) {
            long measurements = 0;
            if (config.targetMode.equals("measured_anchor_shift")) {
                List<Trace> probe = new ArrayList<>(train);
                if (config.anchorProbeSplit.equals("all")) {
                    probe.addAll(holdout);
                }
                ParameterVector anchor = description.withOverrides(config.anchor);
                if (!config.patterns.isEmpty() && !holdout.isEmpty() && config.anchorProbeSplit.equals("train")) {
                    throw new RigConfigurationException("training config: measured_anchor_shift with holdout patterns needs"
                            + " anchor_probe_split: all (a pattern's targets come from its own anchor measurement)");
                }
                List<StimulusResult> r = rig.measure(probe.stream().map(t -> new Probe(t.apply(anchor), t.stimulus())).toList());
                measurements += r.size();
                train = shifted(train, probe, r);
                holdout = shifted(holdout, probe, r);
            }
            try (AppendLog it = AppendLog.open(itFile, 0); AppendLog tr = AppendLog.open(trFile, 0)) {
                it.append(iterationsHeader(trainable));
                tr.append(TRACES_HEADER);
                state = new RunState(0, space.toUnit(initial), measurements, config.energyReferencePj, targets(train),
                        targets(holdout), List.of(), List.of(), it.size(), tr.size(), it.rows(), tr.rows(), it.sha256Hex(),
                        tr.sha256Hex(), null, Double.MAX_VALUE, 0, null);
            }
            state.save(outDir);
        } else {
            if (state.unit().length != trainable.size() || state.trainTargetsNs().size() != train.size()
                    || state.holdoutTargetsNs().size() != holdout.size()) {
                throw new RigConfigurationException(outDir.resolve(RunState.FILE)
                        + ": saved state does not match the training config (trainable parameters or traces differ)");
            }
            if (state.nextIteration() > config.iterations + 1) {
                throw new RigConfigurationException(outDir.resolve(RunState.FILE) + ": next_iteration " + state.nextIteration()
                        + " is beyond the run's " + config.iterations + " iterations; this run cannot be resumed safely");
            }
            train = withTargets(train, state.trainTargetsNs());
            holdout = withTargets(holdout, state.holdoutTargetsNs());
        }
        if (TrainingConfig.DERIVATIVE_FREE.contains(config.optimizer)) {
            if (state.nextIteration() > 0) {
                throw new RigConfigurationException("optimizer " + config.optimizer + ": a derivative-free run cannot be resumed"
                        + " (the optimizer's internal state is not saved); start a new run");
            }
            return derivativeFree(outDir, progress, stopRequested, trainable, space, initial, train, holdout, state);
        }
        GradientEstimator fd = config.estimator.equals("spsa")
                ? new Spsa(config.spsaC, config.spsaGamma, config.spsaResamplings, config.seed)
                : new FiniteDifference(config.estimator.equals("forward") ? FiniteDifference.Scheme.FORWARD
                        : FiniteDifference.Scheme.CENTRAL, config.fdStep);
        UpdateRule rule = new UpdateRule(config.optimizer, config.lrSchedule, config.stepSize, config.stepDecay, config.stepEvery,
                config.maxStep, config.clipValue, config.clipNorm, config.beta1, config.beta2, config.epsilon)
                .withSpallGains(config.spallA, config.spallAlpha);
        rule.restore(state.optimizerState());
        int n = config.iterations;
        try (AppendLog it = AppendLog.open(itFile, state.iterationsBytes());
             AppendLog tr = AppendLog.open(trFile, state.tracesBytes())) {
            while (state.nextIteration() <= n) {
                if (stopRequested.getAsBoolean()) {
                    break;
                }
                int k = state.nextIteration();
                double driftPs = Double.NaN;
                if (config.driftCheckEvery > 0 && k > 0 && k % config.driftCheckEvery == 0) {
                    driftPs = driftCheck(k);
                }
                double[] u = state.unit();
                boolean last = k == n;
                List<double[]> points = last ? List.<double[]>of(u) : fd.points(u, k);
                boolean evalHoldout = last || k % config.evalEvery == 0;
                List<Probe> batch = new ArrayList<>();
                Probe.Window window = window();
                int reps = last ? 1 : config.repeats;
                for (double[] p : points) {
                    ParameterVector v = space.fromUnit(p);
                    for (int r = 0; r < reps; r++) {
                        train.forEach(t -> batch.add(new Probe(t.apply(v), t.stimulus(), window)));
                    }
                }
                if (evalHoldout) {
                    ParameterVector v = space.fromUnit(u);
                    holdout.forEach(t -> batch.add(new Probe(t.apply(v), t.stimulus(), window)));
                }
                List<StimulusResult> results = rig.measure(batch);
                long measurements = state.measurements() + results.size();
                double energyRef = state.energyReferencePj() > 0 ? state.energyReferencePj()
                        : meanEnergy(results.subList(0, train.size()));
                Loss loss = new Loss(settings(energyRef));
                double we = n <= 1 ? config.energyWeightStart
                        : config.energyWeightStart + (config.energyWeightEnd - config.energyWeightStart) * Math.min(k, n - 1) / (n - 1);
                double[] losses = new double[points.size()];
                LossTerms base = null;
                int tsize = train.size();
                for (int p = 0; p < points.size(); p++) {
                    double[] sum = new double[LossTerms.NAMES.size()];
                    for (int r = 0; r < reps; r++) {
                        int from = (p * reps + r) * tsize;
                        double[] v = loss.evaluate(train, results.subList(from, from + tsize), we).values();
                        for (int i = 0; i < v.length; i++) {
                            sum[i] += v[i] / reps;
                        }
                    }
                    LossTerms terms = LossTerms.of(sum);
                    losses[p] = terms.total();
                    if (p == 0) {
                        base = terms;
                    }
                }
                LossTerms hold = null;
                List<StimulusResult> holdResults = List.of();
                if (evalHoldout) {
                    holdResults = results.subList(points.size() * reps * tsize, results.size());
                    hold = loss.evaluate(holdout, holdResults, we);
                }
                double[] grad = last ? new double[u.length] : fd.gradient(points, losses, k);
                double[] step = new double[u.length];
                double[] next;
                if (last) {
                    next = u;
                } else if (config.optimizer.equals("gauss_newton")) {
                    List<List<StimulusResult>> perPoint = new ArrayList<>();
                    for (int p = 0; p < points.size(); p++) {
                        perPoint.add(results.subList(p * reps * tsize, p * reps * tsize + tsize));
                    }
                    double[] delta = new GaussNewton(config.gnLambda).step((FiniteDifference) fd, points, perPoint, train);
                    next = u.clone();
                    for (int i = 0; i < u.length; i++) {
                        double si = Math.max(-config.maxStep, Math.min(config.maxStep, delta[i]));
                        next[i] = Math.max(0, Math.min(1, u[i] + si));
                        step[i] = next[i] - u[i];
                    }
                } else {
                    next = rule.apply(u, grad, k, step);
                }
                double watched = config.earlyStopSplit.equals("holdout") && hold != null ? hold.total() : base.total();
                double best = state.bestLoss();
                int sinceBest = state.sinceBest();
                if (watched < best - config.minImprovement) {
                    best = watched;
                    sinceBest = 0;
                } else if (config.earlyStopSplit.equals("train") || hold != null) {
                    sinceBest++;
                }
                String stopReason = null;
                if (!last && config.patience > 0 && sinceBest >= config.patience) {
                    stopReason = "early stop after iteration " + k + ": no " + config.earlyStopSplit + " loss improvement of "
                            + TrainingConfig.key(config.minImprovement) + " for " + config.patience + " iterations";
                    next = u;
                    java.util.Arrays.fill(step, 0);
                }
                writeIteration(it, tr, k, measurements, base, hold, trainable, space.fromUnit(u), grad, step, train,
                        results.subList(0, tsize), holdout, holdResults, driftPs);
                List<LossTerms> trainTerms = new ArrayList<>(state.train());
                trainTerms.add(base);
                List<LossTerms> holdTerms = new ArrayList<>(state.holdout());
                holdTerms.add(hold);
                state = new RunState(stopReason != null ? n + 1 : k + 1, next, measurements, energyRef, state.trainTargetsNs(),
                        state.holdoutTargetsNs(), trainTerms, holdTerms, it.size(), tr.size(), it.rows(), tr.rows(), it.sha256Hex(),
                        tr.sha256Hex(), rule.state(), best, sinceBest, stopReason);
                state.save(outDir);
                progress.accept(new Progress(k, n, base.total(), hold == null ? Double.NaN : hold.total(), measurements));
                Map<String, Double> params = new LinkedHashMap<>();
                Map<String, Double> gradient = new LinkedHashMap<>();
                Map<String, Double> steps = new LinkedHashMap<>();
                ParameterVector at = space.fromUnit(u);
                for (int i = 0; i < trainable.size(); i++) {
                    String name = trainable.get(i).name();
                    params.put(name, at.get(name));
                    gradient.put(name, grad[i]);
                    steps.put(name, step[i] * trainable.get(i).range());
                }
                listener.iteration(new IterationRecord(k, n, measurements, base, hold, params, gradient, steps, driftPs,
                        rig.calibration().id()));
                for (int t = 0; t < train.size(); t++) {
                    listener.measured(k, train.get(t), results.get(t));
                }
                for (int t = 0; t < holdResults.size(); t++) {
                    listener.measured(k, holdout.get(t), holdResults.get(t));
                }
            }
        }
        ParameterVector at = space.fromUnit(state.unit());
        return new Outcome(state.train(), state.holdout(), initial, at, state.measurements(), state.nextIteration() > n,
                state.stopReason());
    }

    /**
     * CMA-ES, BOBYQA or Nelder–Mead (Apache Commons Math) on the same loss over the train traces,
     * in unit coordinates; {@code iterations} is the evaluation budget. Every evaluation is a row of
     * the artifacts (gradient and step columns zero), the holdout is measured at the evaluated point
     * every {@code eval_every} evaluations and at the best point at the end.
     */
    private Outcome derivativeFree(Path outDir, Consumer<Progress> progress, BooleanSupplier stop, List<ParameterSpec> trainable,
                                   ParameterSpace space, ParameterVector initial, List<Trace> train, List<Trace> holdout,
                                   RunState start) throws IOException {
        int n = config.iterations;
        int dim = trainable.size();
        Path itFile = outDir.resolve("iterations.csv");
        Path trFile = outDir.resolve("traces.csv");
        final RunState[] state = {start};
        final double[] best = {Double.MAX_VALUE};
        final double[][] bestU = {space.toUnit(initial)};
        final Loss[] loss = {null};
        class Stopped extends RuntimeException {
        }
        try (AppendLog it = AppendLog.open(itFile, start.iterationsBytes()); AppendLog tr = AppendLog.open(trFile, start.tracesBytes())) {
            java.util.function.BiFunction<double[], Boolean, Double> evaluate = (uRaw, finalRow) -> {
                if (!finalRow && stop.getAsBoolean()) {
                    throw new Stopped();
                }
                double[] u = uRaw.clone();
                for (int i = 0; i < dim; i++) {
                    u[i] = Math.max(0, Math.min(1, u[i]));
                }
                int k = state[0].nextIteration();
                boolean evalHoldout = finalRow || k % config.evalEvery == 0;
                ParameterVector v = space.fromUnit(u);
                List<Probe> batch = new ArrayList<>();
                Probe.Window window = window();
                train.forEach(t -> batch.add(new Probe(t.apply(v), t.stimulus(), window)));
                if (evalHoldout) {
                    holdout.forEach(t -> batch.add(new Probe(t.apply(v), t.stimulus(), window)));
                }
                List<StimulusResult> results = rig.measure(batch);
                long measurements = state[0].measurements() + results.size();
                double energyRef = state[0].energyReferencePj() > 0 ? state[0].energyReferencePj()
                        : meanEnergy(results.subList(0, train.size()));
                if (loss[0] == null) {
                    loss[0] = new Loss(settings(energyRef));
                }
                LossTerms base = loss[0].evaluate(train, results.subList(0, train.size()), config.energyWeightStart);
                List<StimulusResult> holdResults = evalHoldout ? results.subList(train.size(), results.size()) : List.of();
                LossTerms hold = evalHoldout ? loss[0].evaluate(holdout, holdResults, config.energyWeightStart) : null;
                try {
                    writeIteration(it, tr, k, measurements, base, hold, trainable, v, new double[dim], new double[dim], train,
                            results.subList(0, train.size()), holdout, holdResults, Double.NaN);
                    if (base.total() < best[0]) {
                        best[0] = base.total();
                        bestU[0] = u.clone();
                    }
                    List<LossTerms> trainTerms = new ArrayList<>(state[0].train());
                    trainTerms.add(base);
                    List<LossTerms> holdTerms = new ArrayList<>(state[0].holdout());
                    holdTerms.add(hold);
                    state[0] = new RunState(k + 1, bestU[0], measurements, energyRef, state[0].trainTargetsNs(), state[0].holdoutTargetsNs(),
                            trainTerms, holdTerms, it.size(), tr.size(), it.rows(), tr.rows(), it.sha256Hex(), tr.sha256Hex(),
                            null, best[0], 0, null);
                    state[0].save(outDir);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                progress.accept(new Progress(k, n, base.total(), hold == null ? Double.NaN : hold.total(), measurements));
                return base.total();
            };
            double[] lower = new double[dim];
            double[] upper = new double[dim];
            java.util.Arrays.fill(upper, 1);
            var objective = new org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction(u -> evaluate.apply(u, false));
            var budget = new org.apache.commons.math3.optim.MaxEval(Math.max(1, n));
            var guess = new org.apache.commons.math3.optim.InitialGuess(bestU[0].clone());
            var goal = org.apache.commons.math3.optim.nonlinear.scalar.GoalType.MINIMIZE;
            boolean stopped = false;
            try {
                switch (config.optimizer) {
                    case "bobyqa" -> new org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer(2 * dim + 1,
                            config.dfoStep, 1e-4).optimize(budget, objective, goal, guess,
                            new org.apache.commons.math3.optim.SimpleBounds(lower, upper));
                    case "cmaes" -> {
                        double[] sigma = new double[dim];
                        java.util.Arrays.fill(sigma, config.dfoStep);
                        new org.apache.commons.math3.optim.nonlinear.scalar.noderiv.CMAESOptimizer(n, 0, true, 0, 0,
                                new org.apache.commons.math3.random.MersenneTwister(config.seed), false, null)
                                .optimize(budget, objective, goal, guess, new org.apache.commons.math3.optim.SimpleBounds(lower, upper),
                                        new org.apache.commons.math3.optim.nonlinear.scalar.noderiv.CMAESOptimizer.Sigma(sigma),
                                        new org.apache.commons.math3.optim.nonlinear.scalar.noderiv.CMAESOptimizer.PopulationSize(
                                                4 + (int) (3 * Math.log(dim))));
                    }
                    default -> new org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer(1e-6, 1e-9)
                            .optimize(budget, objective, goal, guess,
                                    new org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex(dim, config.dfoStep));
                }
            } catch (org.apache.commons.math3.exception.TooManyEvaluationsException e) {
                // the budget is spent: the best point so far stands
            } catch (Stopped e) {
                stopped = true;
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            if (!stopped) {
                evaluate.apply(bestU[0], true);
                RunState s = state[0];
                state[0] = new RunState(n + 1, s.unit(), s.measurements(), s.energyReferencePj(), s.trainTargetsNs(),
                        s.holdoutTargetsNs(), s.train(), s.holdout(), s.iterationsBytes(), s.tracesBytes(), s.iterationsRows(),
                        s.tracesRows(), s.iterationsSha256(), s.tracesSha256(), null, s.bestLoss(), 0,
                        config.optimizer + " finished: " + s.train().size() + " evaluations (budget " + n + "), best train loss at the final row");
                state[0].save(outDir);
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        RunState s = state[0];
        return new Outcome(s.train(), s.holdout(), initial, space.fromUnit(s.unit()), s.measurements(), s.nextIteration() > n, s.stopReason());
    }

    /**
     * Measures the drift reference delay on every channel; returns the largest |calibrated − true|
     * in ps, after recalibrating when configured. Throws {@link DriftException} to pause.
     */
    private double driftCheck(int k) {
        double worst = referenceDrift();
        if (worst <= config.driftThresholdPs) {
            return worst;
        }
        String what = String.format(Locale.ROOT, "timing drift of %.1f ps at iteration %d exceeds drift_threshold_ps (%s) under calibration %s",
                worst, k, TrainingConfig.key(config.driftThresholdPs), rig.calibration().id());
        if (config.driftAction.equals("pause")) {
            throw new DriftException(what + "; recalibrate (tileloop calibrate --rig ...) and resume");
        }
        rig.useCalibration(recalibration.recalibrate(k, worst));
        double after = referenceDrift();
        if (after > config.driftThresholdPs) {
            throw new DriftException(what + "; still " + String.format(Locale.ROOT, "%.1f", after) + " ps after recalibrating");
        }
        return after;
    }

    private double referenceDrift() {
        double d = config.driftReferenceDelayNs;
        List<Double> raw = rig.measureReference(d);
        double worst = 0;
        for (int c = 0; c < raw.size(); c++) {
            double cal = rig.calibration().apply(description.channels().get(c).name(), raw.get(c)).calibratedNs();
            worst = Math.max(worst, Math.abs(cal - d) * 1000);
        }
        return worst;
    }

    /**
     * First spikes suffice unless the loss uses spike counts or energy; then the whole window is
     * measured. (A simulated rig stops early for first spikes; first-spike times are the same.)
     */
    private Probe.Window window() {
        boolean counts = config.countWeight > 0 && !config.expectedCounts.isEmpty();
        boolean energy = config.energyWeightStart > 0 || config.energyWeightEnd > 0;
        return counts || energy ? Probe.Window.FULL : Probe.Window.FIRST_SPIKES;
    }

    private static final String TRACES_HEADER = CsvRows.row("iteration", "split", "delay_ns", "channel", "target_ns",
            "first_spike_raw_ns", "first_spike_ns", "calibration_id", "spike_count", "expected_count", "error_ns", "pattern");

    private static List<List<Double>> targets(List<Trace> traces) {
        List<List<Double>> out = new ArrayList<>();
        for (Trace t : traces) {
            List<Double> row = new ArrayList<>();
            t.targetsNs().forEach(v -> row.add(v.isPresent() ? v.getAsDouble() : null));
            out.add(row);
        }
        return out;
    }

    private static List<Trace> withTargets(List<Trace> traces, List<List<Double>> targets) {
        List<Trace> out = new ArrayList<>();
        for (int i = 0; i < traces.size(); i++) {
            Trace t = traces.get(i);
            List<OptionalDouble> v = targets.get(i).stream().map(x -> x == null ? OptionalDouble.empty() : OptionalDouble.of(x)).toList();
            out.add(new Trace(t.split(), t.stimulus(), v, t.expectedCounts(), t.pattern(), t.set(), t.label()));
        }
        return out;
    }

    private LossSettings settings(double energyRef) {
        List<int[]> pairs = new ArrayList<>();
        for (List<String> pair : config.orderPairs) {
            if (pair.size() != 2) {
                throw new RigConfigurationException("training config: order_pairs: each pair names two channels, got " + pair);
            }
            pairs.add(new int[] {channelIndex(pair.get(0)), channelIndex(pair.get(1))});
        }
        return new LossSettings(config.timingWeight, config.missingWeight, config.missingPenaltyNs2, config.countWeight,
                config.orderWeight, pairs, config.orderMarginNs, energyRef, config.classLoss, config.classWeight, config.temperatureNs,
                config.classMarginNs);
    }

    private int channelIndex(String name) {
        List<ChannelSpec> ch = description.channels();
        for (int i = 0; i < ch.size(); i++) {
            if (ch.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new RigConfigurationException("training config: '" + name + "' is not a channel of rig " + description.id() + " (order_pairs and class name channels)");
    }

    private List<OptionalInt> expectedCounts(int channels) {
        List<OptionalInt> counts = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            counts.add(config.expectedCounts.isEmpty() ? OptionalInt.empty() : OptionalInt.of(config.expectedCounts.get(c)));
        }
        return counts;
    }

    /** The task's patterns of one split, as traces. */
    private List<Trace> patterns(String split, List<ParameterSpec> trainable) {
        List<Trace> out = new ArrayList<>();
        int channels = description.channels().size();
        for (TrainingConfig.Pattern p : config.patterns) {
            if (!p.split.equals(split)) {
                continue;
            }
            for (String name : p.set.keySet()) {
                if (trainable.stream().anyMatch(t -> t.name().equals(name))) {
                    throw new RigConfigurationException("training config: pattern " + p.name + ": set: '" + name
                            + "' is trained; a pattern may only set untrained parameters");
                }
                if (description.parameter(name).isEmpty()) {
                    throw new RigConfigurationException("training config: pattern " + p.name + ": set: '" + name
                            + "' is not a parameter of rig " + description.id());
                }
            }
            description.validate(new Trace(split, new Stimulus(p.inputsNs), List.of(), List.of(), p.name, p.set, -1)
                    .apply(description.defaults()));
            int label = -1;
            if (p.classLabel != null) {
                label = channelIndex(p.classLabel);
            }
            List<OptionalDouble> targets = new ArrayList<>();
            if (config.targetMode.equals("absolute") && !p.targetsNs.isEmpty()) {
                if (p.targetsNs.size() != channels) {
                    throw new RigConfigurationException("training config: pattern " + p.name + ": targets_ns needs " + channels
                            + " values (one per channel, null for none), got " + p.targetsNs.size());
                }
                p.targetsNs.forEach(v -> targets.add(v == null ? OptionalDouble.empty() : OptionalDouble.of(v)));
            } else {
                targets.addAll(java.util.Collections.nCopies(channels, OptionalDouble.empty()));
            }
            List<OptionalInt> counts = expectedCounts(channels);
            out.add(new Trace(split, new Stimulus(p.inputsNs), targets, counts, p.name, p.set, label));
        }
        return out;
    }

    private List<Trace> traces(String split, List<Double> delays) {
        int channels = description.channels().size();
        List<Trace> out = new ArrayList<>();
        for (double d : delays) {
            List<OptionalDouble> targets = new ArrayList<>();
            if (config.targetMode.equals("absolute")) {
                List<Double> t = config.targetsNs.get(TrainingConfig.key(d));
                List<String> order = config.targetChannels.isEmpty()
                        ? description.channels().stream().map(ChannelSpec::name).toList() : config.targetChannels;
                if (t == null || t.size() != order.size()) {
                    throw new RigConfigurationException("training config: targets: delay " + TrainingConfig.key(d)
                            + " needs " + order.size() + " target times (one per channel), got " + (t == null ? "none" : t.size()));
                }
                for (String name : order) {
                    if (description.channels().stream().noneMatch(ch -> ch.name().equals(name))) {
                        throw new RigConfigurationException("training config: targets: '" + name + "' is not a channel of rig "
                                + description.id());
                    }
                }
                for (ChannelSpec ch : description.channels()) {
                    int i = order.indexOf(ch.name());
                    if (i < 0) {
                        throw new RigConfigurationException("training config: targets: no column for channel '" + ch.name()
                                + "' of rig " + description.id() + " (have " + order + ")");
                    }
                    Double v = t.get(i);
                    targets.add(v == null ? OptionalDouble.empty() : OptionalDouble.of(v));
                }
            } else {
                targets.addAll(java.util.Collections.nCopies(channels, OptionalDouble.empty()));
            }
            List<OptionalInt> counts = expectedCounts(channels);
            Map<String, Double> inputs = new LinkedHashMap<>();
            inputs.put(description.inputs().get(0).name(), d);
            config.fixedInputsNs.forEach((name, ns) -> {
                if (inputs.put(name, ns) != null) {
                    throw new RigConfigurationException("training config: fixed_inputs_ns: '" + name
                            + "' is the input the trace delays drive; fix a different input");
                }
            });
            out.add(new Trace(split, new Stimulus(inputs), targets, counts));
        }
        return out;
    }

    /** Anchor-shift targets: each trace's channels target the anchor's first spike plus the shift. */
    private List<Trace> shifted(List<Trace> traces, List<Trace> probed, List<StimulusResult> anchor) {
        List<Trace> out = new ArrayList<>();
        for (Trace t : traces) {
            int i = probed.indexOf(t);
            StimulusResult ref = i >= 0 ? anchor.get(i) : anchor.get(0);
            double delayOffset = i >= 0 ? 0 : t.stimulus().delayNs() - probed.get(0).stimulus().delayNs();
            List<OptionalDouble> targets = new ArrayList<>();
            for (int c = 0; c < ref.channels().size(); c++) {
                double shift = config.anchorShiftNs.isEmpty() ? 0 : config.anchorShiftNs.get(Math.min(c, config.anchorShiftNs.size() - 1));
                var first = ref.channels().get(c).firstSpike();
                targets.add(first.isPresent() ? OptionalDouble.of(first.get().calibratedNs() + delayOffset + shift) : OptionalDouble.empty());
            }
            out.add(new Trace(t.split(), t.stimulus(), targets, t.expectedCounts(), t.pattern(), t.set(), t.label()));
        }
        return out;
    }

    private static double meanEnergy(List<StimulusResult> results) {
        return results.stream().mapToDouble(r -> r.energyPj().orElse(0)).average().orElse(0);
    }

    private static String iterationsHeader(List<ParameterSpec> trainable) {
        List<String> h = new ArrayList<>(List.of("iteration", "measurements", "loss_train", "loss_holdout"));
        for (String split : List.of("train", "holdout")) {
            LossTerms.NAMES.forEach(t -> h.add(t + "_" + split));
        }
        LossTerms.NAMES.forEach(t -> h.add("pct_" + t));
        for (String prefix : List.of("param_", "grad_", "step_")) {
            trainable.forEach(p -> h.add(prefix + p.name()));
        }
        h.addAll(List.of("accuracy_train", "accuracy_holdout", "drift_ps", "calibration_id"));
        return CsvRows.row(h);
    }

    /**
     * Appends one iteration to the artifacts: its {@code iterations.csv} row (ending with the
     * accuracies, the drift check and the calibration in use) and its {@code traces.csv} rows.
     */
    private void writeIteration(AppendLog it, AppendLog tr, int k, long measurements, LossTerms base, LossTerms hold,
                                List<ParameterSpec> trainable, ParameterVector at, double[] grad, double[] step, List<Trace> train,
                                List<StimulusResult> trainResults, List<Trace> holdout, List<StimulusResult> holdResults,
                                double driftPs) throws IOException {
        for (LossTerms terms : java.util.Arrays.asList(base, hold)) {
            if (terms != null && java.util.Arrays.stream(terms.values()).anyMatch(v -> !Double.isFinite(v))) {
                throw new org.tileloop.rig.MeasurementException("iteration " + k + ": the loss is not a finite number "
                        + java.util.Arrays.toString(terms.values()) + " (terms " + LossTerms.NAMES
                        + "); a target, weight or measurement is out of range; nothing of this iteration was recorded");
            }
        }
        List<String> row = iterationRow(k, measurements, base, hold, trainable, at, grad, step);
        row.addAll(List.of(acc(Loss.accuracy(train, trainResults)), acc(hold == null ? Double.NaN : Loss.accuracy(holdout, holdResults)),
                Double.isNaN(driftPs) ? "" : f(driftPs), rig.calibration().id()));
        it.append(CsvRows.row(row));
        StringBuilder rows = new StringBuilder();
        writeTraces(rows, k, train, trainResults);
        writeTraces(rows, k, holdout, holdResults);
        tr.append(rows.toString());
    }

    /** The row's loss, term, share, parameter, gradient and step cells. */
    private static List<String> iterationRow(int k, long measurements, LossTerms train, LossTerms hold, List<ParameterSpec> trainable,
                                             ParameterVector params, double[] grad, double[] step) {
        List<String> r = new ArrayList<>(List.of(Integer.toString(k), Long.toString(measurements), f(train.total()),
                hold == null ? "" : f(hold.total())));
        for (double v : train.values()) {
            r.add(f(v));
        }
        for (int i = 0; i < LossTerms.NAMES.size(); i++) {
            r.add(hold == null ? "" : f(hold.values()[i]));
        }
        for (double p : train.percentages()) {
            r.add(String.format(Locale.ROOT, "%.2f", p));
        }
        trainable.forEach(p -> r.add(f(params.get(p.name()))));
        for (double g : grad) {
            r.add(f(g));
        }
        for (int i = 0; i < step.length; i++) {
            r.add(f(step[i] * trainable.get(i).range()));
        }
        return r;
    }

    private static void writeTraces(StringBuilder out, int k, List<Trace> traces, List<StimulusResult> results) {
        for (int t = 0; t < results.size(); t++) {
            Trace trace = traces.get(t);
            for (int c = 0; c < results.get(t).channels().size(); c++) {
                ChannelResult ch = results.get(t).channels().get(c);
                OptionalDouble target = trace.targetsNs().get(c);
                var first = ch.firstSpike();
                OptionalInt expected = trace.expectedCounts().get(c);
                out.append(CsvRows.row(Integer.toString(k), trace.split(), f(trace.stimulus().delayNs()), ch.name(),
                        target.isPresent() ? f(target.getAsDouble()) : "", first.map(x -> f(x.rawNs())).orElse(""),
                        first.map(x -> f(x.calibratedNs())).orElse(""), first.map(x -> x.calibrationId()).orElse(""),
                        ch.spikeCount().isPresent() ? Integer.toString(ch.spikeCount().getAsInt()) : "",
                        expected.isPresent() ? Integer.toString(expected.getAsInt()) : "",
                        target.isPresent() && first.isPresent() ? f(first.get().calibratedNs() - target.getAsDouble()) : "",
                        trace.pattern()));
            }
        }
    }

    private static String acc(double a) {
        return Double.isNaN(a) ? "" : String.format(Locale.ROOT, "%.4f", a);
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
