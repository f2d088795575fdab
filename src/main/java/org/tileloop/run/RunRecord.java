package org.tileloop.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.train.Checkpoint;
import org.tileloop.train.FinalRepeats;
import org.tileloop.train.Iteration;
import org.tileloop.train.IterationSink;
import org.tileloop.train.LossTerms;
import org.tileloop.train.TrainingTask;

/**
 * The first consumer of a run's iterations: appends each to {@code iterations.csv} and
 * {@code traces.csv}, fsyncs them, replaces {@code state.json} atomically, and only then hands the
 * iteration to its listeners. Not thread-safe: used on the training thread.
 */
public final class RunRecord implements IterationSink, AutoCloseable {

    /**
     * Where a run stands after training stopped.
     *
     * @param train per completed iteration, the train loss terms
     * @param holdout per completed iteration, the holdout loss terms (null where not evaluated)
     * @param last the parameters at the checkpoint
     * @param finalRepeats the final point measured again ({@code final_repeats}), once the last row made it
     */
    public record Outcome(List<LossTerms> train, List<LossTerms> holdout, ParameterVector initial, ParameterVector last,
                          long measurements, boolean completed, Optional<String> stopReason, Optional<FinalRepeats> finalRepeats) {

        public int lastIteration() {
            return train.size() - 1;
        }
    }

    private final Path dir;
    private final TrainingTask task;
    private final List<RunListener> listeners;
    private final CsvLayout layout;
    private RunState state;
    private AppendLog iterations;
    private AppendLog traces;

    private RunRecord(Path dir, TrainingTask task, RunState state, List<RunListener> listeners) {
        this.dir = dir;
        this.task = task;
        this.state = state;
        this.listeners = List.copyOf(listeners);
        this.layout = new CsvLayout(task.trainable(), task.config().twin().rigFile().isPresent()
                ? task.rig().channels().stream().map(org.tileloop.rig.ChannelSpec::name).toList() : List.of());
    }

    /**
     * Opens the record in {@code dir}: continues the saved state there (its targets replace the
     * task's), or starts one, measuring anchor targets on {@code rig} when the task needs them.
     */
    public static RunRecord open(Path dir, TrainingTask task, org.tileloop.rig.Rig rig,
                                 List<RunListener> listeners) throws IOException {
        Files.createDirectories(dir);
        Optional<RunState> saved = RunState.load(dir);
        if (saved.isPresent()) {
            RunState s = saved.get();
            if (s.unit().length != task.trainable().size() || s.trainTargetsNs().size() != task.train().size()
                    || s.holdoutTargetsNs().size() != task.holdout().size()) {
                throw new RigConfigurationException(dir.resolve(RunState.FILE)
                        + ": saved state does not match the training config (trainable parameters or traces differ)");
            }
            RunRecord r = new RunRecord(dir, task.withTargets(s.trainTargetsNs(), s.holdoutTargetsNs()), s, listeners);
            r.requireHeader(RunState.ITERATIONS, r.layout.iterationsHeader());
            r.requireHeader(RunState.TRACES, CsvLayout.TRACES_HEADER);
            try {
                r.iterations = AppendLog.open(dir.resolve(RunState.ITERATIONS), s.iterationsBytes());
                r.traces = AppendLog.open(dir.resolve(RunState.TRACES), s.tracesBytes());
            } catch (IOException | RuntimeException e) {
                r.close();
                throw e;
            }
            return r;
        }
        TrainingTask.Anchored a = task.needsAnchor() ? task.anchor(rig) : new TrainingTask.Anchored(task, 0);
        TrainingTask t = a.task();
        RunRecord r = new RunRecord(dir, t, null, listeners);
        try {
            r.iterations = AppendLog.open(dir.resolve(RunState.ITERATIONS), 0);
            r.traces = AppendLog.open(dir.resolve(RunState.TRACES), 0);
            r.iterations.append(r.layout.iterationsHeader());
            r.traces.append(CsvLayout.TRACES_HEADER);
            Checkpoint start = Checkpoint.start(t.space().toUnit(t.initial()), a.measurements(), t.config().loss().energyReferencePj());
            r.state = r.next(start, List.of(), List.of(), null);
            r.state.save(dir);
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /**
     * Trains {@code config} on {@code rig} to the end in {@code dir} (a run without a manifest:
     * benchmarks, comparisons); drift checks cannot recalibrate.
     */
    public static Outcome train(org.tileloop.rig.Rig rig, org.tileloop.train.TrainingConfig config, Path dir, List<RunListener> listeners)
            throws IOException {
        return train(rig, java.util.Optional.empty(), config, dir, listeners);
    }

    /**
     * The same with {@code twin}, the simulated twin the config names ({@code twin}): it must be
     * given exactly when the config names one.
     */
    public static Outcome train(org.tileloop.rig.Rig rig, java.util.Optional<org.tileloop.rig.Rig> twin, org.tileloop.train.TrainingConfig config,
                                Path dir, List<RunListener> listeners) throws IOException {
        if (config.twin().rigFile().isPresent() != twin.isPresent()) {
            throw new org.tileloop.rig.RigConfigurationException("training config: twin: " + (twin.isPresent()
                    ? "a twin rig was given but the config names none" : "the config names a twin but none was opened"));
        }
        try (RunRecord record = open(dir, TrainingTask.of(config, rig.description()), rig, listeners)) {
            new org.tileloop.train.Trainer(rig, twin, record.task(), new org.tileloop.train.DriftGuard(rig, config,
                    org.tileloop.train.DriftGuard.NONE), TrainingRun.clock()).run(record.checkpoint(), record.history(), record, () -> false);
            return record.outcome();
        }
    }

    /** The task with the run's targets. */
    public TrainingTask task() {
        return task;
    }

    public Checkpoint checkpoint() {
        return state.checkpoint();
    }

    /** The train loss terms of every completed iteration. */
    public List<LossTerms> history() {
        return state.train();
    }

    @Override
    public void accept(Iteration it) throws IOException {
        iterations.append(layout.iterationRow(it));
        traces.append(layout.traceRows(it));
        List<LossTerms> train = new ArrayList<>(state.train());
        train.add(it.train());
        List<LossTerms> holdout = new ArrayList<>(state.holdout());
        holdout.add(it.holdout().orElse(null));
        state = next(it.next(), train, holdout, it.finalRepeats().orElse(state.finalRepeats()));
        state.save(dir);
        for (RunListener l : listeners) {
            l.iteration(it);
        }
    }

    /** Where the run stands, for its report. */
    public Outcome outcome() {
        Checkpoint c = state.checkpoint();
        return new Outcome(state.train(), state.holdout(), task.initial(), task.space().fromUnit(c.unit()), c.measurements(),
                c.nextIteration() > task.config().iterations(), c.stopReason(), Optional.ofNullable(state.finalRepeats()));
    }

    private RunState next(Checkpoint c, List<LossTerms> train, List<LossTerms> holdout, FinalRepeats finalRepeats) throws IOException {
        return new RunState(c.nextIteration(), c.unit(), c.measurements(), c.energyReferencePj(), TrainingTask.targets(task.train()),
                TrainingTask.targets(task.holdout()), train, holdout, iterations.size(), traces.size(), iterations.rows(), traces.rows(),
                iterations.sha256Hex(), traces.sha256Hex(), c.optimizerState(), c.bestLoss(), c.sinceBest(), c.stopReason().orElse(null),
                finalRepeats);
    }

    /** Refuses a CSV whose header is not this tileloop's (a run started by another version). */
    private void requireHeader(String file, String header) throws IOException {
        String first;
        try (java.io.BufferedReader in = Files.newBufferedReader(dir.resolve(file), java.nio.charset.StandardCharsets.UTF_8)) {
            first = in.readLine();
        }
        if (!header.equals(first + "\n")) {
            throw new RigConfigurationException(dir.resolve(file) + ": its columns are not the ones this tileloop writes (the run was"
                    + " started by another version); it cannot be resumed: start a new run");
        }
    }

    @Override
    public void close() throws IOException {
        try (AppendLog a = iterations; AppendLog b = traces) {
            // both closed (either may be null when opening failed)
        }
    }
}
