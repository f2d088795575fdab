package org.tileloop.train;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BooleanSupplier;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.StimulusResult;

/**
 * The perturb-measure-update loop. Talks to the rig only through {@link Rig}; each iteration's
 * points, train traces and (every {@code eval_every}) holdout traces go to the rig as one batch
 * (two with {@link PredictedStop}, on a rig that {@linkplain Rig#honoursStopTimes() honours stop times}).
 * Its only output is one {@link Iteration} per iteration, handed to an {@link IterationSink};
 * it writes no files. Holdout losses are reported, never used for updates. With
 * {@code final_repeats}, the run's last row also measures its final point that many more times
 * ({@link Iteration#finalRepeats()}).
 */
public final class Trainer {

    private final Rig rig;
    private final TrainingTask task;
    private final TrainingConfig config;
    private final DriftGuard drift;
    private final Clock clock;
    private final Optional<TwinModel> twin;
    private final Optional<PredictedStop> stop;

    /**
     * @param task the task with its targets fixed (see {@link TrainingTask#anchor})
     * @param clock stamps each iteration's {@link Iteration#time()}
     */
    public Trainer(Rig rig, TrainingTask task, DriftGuard drift, Clock clock) {
        this(rig, Optional.empty(), task, drift, clock);
    }

    /**
     * @param twin the simulated twin of {@code rig} (the config's {@code twin}), measured at the
     *             same parameter vectors each iteration; needed by {@code twin_gauss_newton}
     * @throws RigConfigurationException the config needs a twin and none is given, or the twin does not fit the task
     */
    public Trainer(Rig rig, Optional<Rig> twin, TrainingTask task, DriftGuard drift, Clock clock) {
        this.rig = rig;
        this.task = task;
        this.config = task.config();
        this.drift = drift;
        this.clock = clock;
        this.twin = twin.map(t -> new TwinModel(t, task, "training config"));
        this.stop = PredictedStop.applies(task) ? Optional.of(new PredictedStop(task)) : Optional.empty();
        if (config.optimization().optimizer() == TrainingConfig.Optimizer.TWIN_GAUSS_NEWTON && this.twin.isEmpty()) {
            throw new RigConfigurationException("training config: optimizer twin_gauss_newton: no twin rig was opened (key twin)");
        }
    }

    /**
     * Runs from {@code from} until the last iteration or until {@code stopRequested} says yes
     * before an iteration. Each iteration goes to {@code sink} before the next starts.
     *
     * @param history the train loss of each iteration before {@code from} (a derivative-free
     *                optimizer replays them on resume)
     * @return where the run stands: finished when {@code nextIteration > iterations}
     */
    public Checkpoint run(Checkpoint from, List<LossTerms> history, IterationSink sink, BooleanSupplier stopRequested)
            throws IOException {
        if (from.nextIteration() > config.iterations() + 1) {
            throw new RigConfigurationException("saved state: next_iteration " + from.nextIteration() + " is beyond the run's "
                    + config.iterations() + " iterations; this run cannot be resumed safely");
        }
        Checkpoint c = from;
        try (Stepper stepper = stepper(from, history)) {
            while (c.nextIteration() <= config.iterations() && !stopRequested.getAsBoolean()) {
                Iteration it = iterate(c, stepper);
                sink.accept(it);
                c = it.next();
            }
        }
        return c;
    }

    private Stepper stepper(Checkpoint from, List<LossTerms> history) {
        if (config.optimization().optimizer() == TrainingConfig.Optimizer.TWIN_GAUSS_NEWTON) {
            return new TwinGaussNewton(config, task.train(), task.space().dimension(), twin.orElseThrow(), from.optimizerState());
        }
        if (!config.optimization().optimizer().derivativeFree()) {
            return new GradientStepper(config, task.train(), from.optimizerState());
        }
        if (config.optimization().optimizer() == TrainingConfig.Optimizer.BAYES) {
            return BayesStepper.open(config, task, from);
        }
        DerivativeFree dfo = new DerivativeFree(config, task.space().toUnit(task.initial()));
        if (from.nextIteration() > 0 && from.nextIteration() <= config.iterations()) {
            double[] best = dfo.replay(history.stream().limit(from.nextIteration()).map(LossTerms::total).toList());
            if (!Arrays.equals(best, from.unit())) {
                dfo.close();
                throw new RigConfigurationException("saved state: " + config.optimization().optimizer().wire() + " did not retrace the recorded evaluations"
                        + " (a different tileloop version?); this run cannot be resumed: start a new run");
            }
        }
        return dfo;
    }

    private Iteration iterate(Checkpoint c, Stepper stepper) {
        int k = c.nextIteration();
        int n = config.iterations();
        twin.ifPresent(TwinModel::newIteration);
        OptionalDouble driftPs = drift.check(k);
        double[] u = c.unit();
        Stepper.Plan plan = stepper.plan(k, u, k == n);
        boolean evalHoldout = plan.finalRow() || k % config.schedule().evalEvery() == 0;
        int reps = stepper.repeats(plan);
        List<Trace> train = task.train();
        List<Trace> holdout = task.holdout();
        ParameterSpace space = task.space();
        Probe.Window window = task.window();
        List<Probe> batch = new ArrayList<>();
        for (double[] p : plan.points()) {
            ParameterVector v = space.fromUnit(p);
            for (int r = 0; r < reps; r++) {
                train.forEach(t -> batch.add(new Probe(t.apply(v), t.stimulus(), window)));
            }
        }
        double[] at = plan.points().get(0);
        if (evalHoldout) {
            ParameterVector v = space.fromUnit(at);
            holdout.forEach(t -> batch.add(new Probe(t.apply(v), t.stimulus(), window)));
        }
        int tsize = train.size();
        List<StimulusResult> results = stop.isPresent() && rig.honoursStopTimes()
                ? stop.get().measure(rig, batch, reps * tsize, plan.points().size() * reps * tsize) : rig.measure(batch);
        double energyRef = c.energyReferencePj() > 0 ? c.energyReferencePj()
                : results.subList(0, tsize).stream().mapToDouble(r -> r.energyPj().orElse(0)).average().orElse(0);
        Loss loss = new Loss(task.lossSettings(energyRef));
        double we = energyWeight(k, stepper);
        double[] losses = new double[plan.points().size()];
        List<List<StimulusResult>> perPoint = new ArrayList<>();
        LossTerms base = null;
        for (int p = 0; p < losses.length; p++) {
            double[] sum = new double[LossTerms.NAMES.size()];
            for (int r = 0; r < reps; r++) {
                int from = (p * reps + r) * tsize;
                double[] v = loss.evaluate(train, results.subList(from, from + tsize), we).values();
                for (int i = 0; i < v.length; i++) {
                    sum[i] += v[i] / reps;
                }
            }
            perPoint.add(results.subList(p * reps * tsize, p * reps * tsize + tsize));
            LossTerms terms = LossTerms.of(sum);
            losses[p] = terms.total();
            base = p == 0 ? terms : base;
        }
        List<StimulusResult> holdResults = evalHoldout ? results.subList(losses.length * reps * tsize, results.size()) : List.of();
        Optional<LossTerms> hold = evalHoldout ? Optional.of(loss.evaluate(holdout, holdResults, we)) : Optional.empty();
        requireFinite(k, base, hold);
        Stepper.Move move = stepper.move(k, u, plan, losses, perPoint);
        double watched = config.schedule().earlyStopSplit() == TrainingConfig.Split.HOLDOUT && hold.isPresent() ? hold.get().total() : base.total();
        double best = c.bestLoss();
        int sinceBest = c.sinceBest();
        if (watched < best - config.schedule().minImprovement()) {
            best = watched;
            sinceBest = 0;
        } else if (config.schedule().earlyStopSplit() == TrainingConfig.Split.TRAIN || hold.isPresent()) {
            sinceBest++;
        }
        double[] next = move.next();
        double[] step = move.stepUnit();
        Optional<String> stopReason = plan.reason();
        if (!plan.finalRow() && stepper.earlyStops() && config.schedule().patience() > 0 && sinceBest >= config.schedule().patience()) {
            stopReason = Optional.of("early stop after iteration " + k + ": no " + config.schedule().earlyStopSplit().wire() + " loss improvement of "
                    + TrainingConfig.key(config.schedule().minImprovement()) + " for " + config.schedule().patience() + " iterations");
            next = u;
            Arrays.fill(step, 0);
        }
        int nextIteration = plan.finalRow() || stopReason.isPresent() ? n + 1 : k + 1;
        Optional<FinalRepeats> repeated = nextIteration > n && config.schedule().finalRepeats() > 0
                ? Optional.of(FinalRepeats.measure(rig, task, space.fromUnit(next), loss, we, config.schedule().finalRepeats()))
                : Optional.empty();
        Checkpoint after = new Checkpoint(nextIteration, next, c.measurements() + results.size()
                + repeated.map(FinalRepeats::measurements).orElse(0L), energyRef, stepper.state(), best, sinceBest, stopReason);
        List<Iteration.Measured> measured = new ArrayList<>();
        for (int t = 0; t < tsize; t++) {
            measured.add(new Iteration.Measured(train.get(t), results.get(t)));
        }
        for (int t = 0; t < holdResults.size(); t++) {
            measured.add(new Iteration.Measured(holdout.get(t), holdResults.get(t)));
        }
        return new Iteration(k, n, clock.instant(), after.measurements(), base, hold, accuracy(train, results.subList(0, tsize)),
                hold.isPresent() ? accuracy(holdout, holdResults) : OptionalDouble.empty(), updates(space.fromUnit(at), move.gradient(), step),
                driftPs, rig.calibration().id(), measured, after, twin.map(t -> compare(t, at, move, results.subList(0, tsize), loss, we)), repeated);
    }

    /** The twin beside the rig at the reported point; the gradients are compared when the rig's was measured. */
    private TwinComparison compare(TwinModel t, double[] at, Stepper.Move move, List<StimulusResult> rigTrain, Loss loss, double energyWeight) {
        TwinModel.Sample sample = t.at(at, move.gradientMeasured());
        OptionalDouble cosine = move.gradientMeasured() ? TwinModel.cosine(t.gradient(sample, loss, energyWeight), move.gradient())
                : OptionalDouble.empty();
        return new TwinComparison(t.gaps(sample, rigTrain), cosine,
                move.jacobian().map(Stepper.Move.JacobianNote::source), move.jacobian().flatMap(j -> j.cosine().isPresent()
                        ? Optional.of(j.cosine()) : Optional.empty()).orElse(OptionalDouble.empty()), t.takeStimuli());
    }

    /** The energy weight of iteration {@code k}: scheduled from start to end for gradient methods, fixed otherwise. */
    private double energyWeight(int k, Stepper stepper) {
        int n = config.iterations();
        if (config.optimization().optimizer().derivativeFree() || n <= 1) {
            return config.loss().energyWeightStart();
        }
        return config.loss().energyWeightStart() + (config.loss().energyWeightEnd() - config.loss().energyWeightStart()) * Math.min(k, n - 1) / (n - 1);
    }

    private List<Iteration.ParameterUpdate> updates(ParameterVector at, double[] gradient, double[] stepUnit) {
        List<Iteration.ParameterUpdate> out = new ArrayList<>();
        List<ParameterSpec> trainable = task.trainable();
        for (int i = 0; i < trainable.size(); i++) {
            ParameterSpec p = trainable.get(i);
            out.add(new Iteration.ParameterUpdate(p.name(), at.get(p.name()), gradient[i], stepUnit[i] * p.range()));
        }
        return out;
    }

    private static OptionalDouble accuracy(List<Trace> traces, List<StimulusResult> results) {
        double a = Loss.accuracy(traces, results);
        return Double.isNaN(a) ? OptionalDouble.empty() : OptionalDouble.of(a);
    }

    private static void requireFinite(int k, LossTerms train, Optional<LossTerms> hold) {
        for (LossTerms terms : hold.isPresent() ? List.of(train, hold.get()) : List.of(train)) {
            if (Arrays.stream(terms.values()).anyMatch(v -> !Double.isFinite(v))) {
                throw new MeasurementException("iteration " + k + ": the loss is not a finite number " + Arrays.toString(terms.values())
                        + " (terms " + LossTerms.NAMES + "); a target, weight or measurement is out of range; nothing of this"
                        + " iteration was recorded");
            }
        }
    }
}
