package org.tileloop.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.calibration.CalibratedRigs;
import org.tileloop.calibration.CalibrationRecord;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.calibration.Calibrator;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Rig;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.run.RunStatus;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.HostTelemetry;
import org.tileloop.telemetry.RunTelemetry;
import org.tileloop.telemetry.TelemetrySession;

/**
 * The daemon's jobs: a queue per rig, one job at a time per rig and concurrently across rigs;
 * running a job (train, calibrate, measure) and publishing the rig's state around it. A failing
 * job faults its rig until the next job.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, RigFile> rigs;
    private final Path runsDir;
    private final CalibrationStore calibrations;
    private final TrainingRun.Build build;
    private final TelemetrySession session;
    private final HostTelemetry telemetry;
    private final Map<String, String> rigStates;
    private final Map<String, ExecutorService> executors = new LinkedHashMap<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final AtomicInteger jobCounter = new AtomicInteger();
    private final JobStore store;
    private final Leases leases;
    private final org.tileloop.rig.file.RigOpener opener;
    private volatile boolean closing;

    /**
     * @param rigs by rig id
     * @param rigStates each rig's state by id (idle, running, paused, faulted), kept up to date here
     */
    JobRunner(Map<String, RigFile> rigs, Path runsDir, CalibrationStore calibrations, TrainingRun.Build build, TelemetrySession session,
              Map<String, String> rigStates, JobStore store, Leases leases, org.tileloop.rig.file.RigOpener opener) {
        this.rigs = rigs;
        this.leases = leases;
        this.opener = opener;
        this.runsDir = runsDir;
        this.calibrations = calibrations;
        this.store = store;
        this.build = build;
        this.session = session;
        this.telemetry = new HostTelemetry(session);
        this.rigStates = rigStates;
        rigs.keySet().forEach(id -> executors.put(id, Executors.newSingleThreadExecutor(r -> new Thread(r, "rig-" + id))));
    }

    /** Publishes every rig's current state. */
    synchronized void publishStates() {
        rigs.keySet().forEach(r -> telemetry.state(r, rigStates.get(r), null));
    }

    private synchronized void rigState(String rig, String state, Job job) {
        rigStates.put(rig, state);
        telemetry.state(rig, state, job == null ? null : job.id);
    }

    synchronized List<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    synchronized Optional<Job> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Queues a checked job. */
    synchronized Job submit(String rig, String kind, ObjectNode spec) {
        if (closing) {
            throw new CommandException("the daemon is shutting down; submit again when it is back (queued jobs are kept)");
        }
        Job j = new Job("j" + jobCounter.incrementAndGet(), rig, kind, spec);
        jobs.put(j.id, j);
        persist(j);
        executors.get(j.rig).submit(() -> execute(j));
        return j;
    }

    /**
     * Takes over the jobs a previous daemon process recorded: queued ones are queued again; one
     * it was running is marked interrupted in its run's manifest and, with {@code resume}, queued
     * again (a training continues its run from the last saved iteration), else left
     * {@code interrupted} with the command that continues it. Job ids continue after the largest.
     */
    synchronized void restore(boolean resume) throws IOException {
        List<Job> again = new ArrayList<>();
        for (ObjectNode record : store.load()) {
            Job j = Job.restore(record);
            if (!rigs.containsKey(j.rig)) {
                LOG.warn("job {}: rig {} is not served by this daemon any more; kept as history", j.id, j.rig);
            } else if (j.queued()) {
                again.add(j);
            } else if (j.pausedByShutdown() && resume) {
                j.requeue("resumed after the daemon restarted (its shutdown had paused it)");
                again.add(j);
            } else if (j.is(RunStatus.RUNNING)) {
                String why = "the daemon stopped while it ran (killed or crashed)";
                if (j.runDir() != null) {
                    TrainingRun.markInterrupted(Path.of(j.runDir()), runsDir, why);
                }
                if (resume) {
                    j.requeue("resumed after a daemon restart: " + why);
                    again.add(j);
                } else {
                    j.status(RunStatus.INTERRUPTED, why + (j.runDir() == null ? "" : "; continue with: tileloop train --resume " + org.tileloop.input.ShownPath.of(Path.of(j.runDir()))));
                }
            }
            jobs.put(j.id, j);
            jobCounter.set(Math.max(jobCounter.get(), Integer.parseInt(j.id.substring(1))));
        }
        store.rewrite(jobs.values().stream().map(j -> j.toJson(JSON)).toList());
        for (Job j : again) {
            LOG.info("job {} on {}: queued again after a daemon restart", j.id, j.rig);
            executors.get(j.rig).submit(() -> execute(j));
        }
    }

    /** Records the job's current state durably; a failure is logged (the job goes on). */
    private void persist(Job j) {
        try {
            store.append(j.toJson(JSON));
        } catch (IOException e) {
            LOG.error("job {}: recording its state in {} failed: {}", j.id, JobStore.FILE, e.getMessage());
        }
    }

    /** Drops a queued job, or stops a running one after its current iteration ({@code aborted}). */
    synchronized Job cancel(Job j) {
        if (j.queued()) {
            j.status(RunStatus.ABORTED, "cancelled before it started");
            persist(j);
        } else if (j.is(RunStatus.RUNNING)) {
            j.stop.set(true);
        } else {
            throw new CommandException("job " + j.id + " is " + j.state() + "; nothing to cancel");
        }
        return j;
    }

    /** Pauses a running training after its current iteration ({@code paused}, resumable). */
    synchronized Job pause(Job j) {
        if (!j.is(RunStatus.RUNNING) || !j.kind.equals("train")) {
            throw new CommandException("only a running train job can be paused; " + j.id + " is a " + j.state() + " " + j.kind + " job");
        }
        j.requestPause();
        return j;
    }

    /** Queues a new job continuing a paused training's run. */
    synchronized Job resume(Job j) {
        if (!j.is(RunStatus.PAUSED) || j.runDir() == null) {
            throw new CommandException("only a paused train job can be resumed; " + j.id + " is " + j.state());
        }
        ObjectNode spec = JSON.createObjectNode();
        spec.put("kind", "train");
        spec.put("resume", j.runDir());
        return submit(j.rig, "train", spec);
    }

    private void execute(Job j) {
        synchronized (this) {
            if (closing || !j.start()) {
                return;
            }
        }
        persist(j);
        LOG.info("job {} on {}: {} started", j.id, j.rig, j.kind);
        session.publishBirth();
        rigState(j.rig, "running", j);
        String end = "idle";
        try {
            if (rigs.get(j.rig).description().kind() == org.tileloop.rig.RigKind.BENCH) {
                java.util.Optional<String> owner = j.spec.has("owner") ? java.util.Optional.of(j.spec.get("owner").asText()) : java.util.Optional.empty();
                leases.check(j.rig, owner);
                leases.started(j.rig, owner.orElse("(no lease)")).ifPresent(before -> LOG.info(
                        "job {} on {}: the rig's user changed from {} to {}: it is opened afresh, its parameters and calibration applied again",
                        j.id, j.rig, before, owner.orElse("(no lease)")));
            }
            switch (j.kind) {
                case "train" -> end = train(j);
                case "calibrate" -> calibrate(j);
                case "measure" -> measure(j);
                default -> throw new IllegalStateException(j.kind);
            }
        } catch (RuntimeException | IOException e) {
            LOG.warn("job {} on {} failed: {}", j.id, j.rig, e.getMessage());
            j.status(RunStatus.FAILED, e.getMessage());
            end = "faulted";
        }
        persist(j);
        LOG.info("job {} on {}: {} ({})", j.id, j.rig, j.state(), j.reason());
        rigState(j.rig, end, j.is(RunStatus.PAUSED) || end.equals("faulted") ? j : null);
    }

    /** @return the rig's state after the run: paused or idle */
    private String train(Job j) throws IOException {
        RigFile rf = rigs.get(j.rig);
        TrainingRun run;
        String cmd = "tileloop daemon job " + j.id + " " + j.spec;
        if (j.runDir() != null || j.spec.has("resume")) {
            run = TrainingRun.resume(Path.of(j.runDir() != null ? j.runDir() : j.spec.get("resume").asText()), runsDir, cmd, build);
        } else {
            Path config = j.spec.has("config")
                    ? rf.path().toAbsolutePath().getParent().resolve("training").resolve(j.spec.get("config").asText() + ".yaml") : null;
            run = TrainingRun.create(rf.path(), config, j.spec.has("iterations") ? j.spec.get("iterations").asInt() : null,
                    j.spec.has("seed") ? j.spec.get("seed").asLong() : null, runsDir, calibrations,
                    j.spec.path("allow_uncalibrated").asBoolean(false), cmd, build);
        }
        run.openingRigWith(opener);
        j.runDir(run.runDir().toAbsolutePath().toString());
        persist(j);
        StringWriter notices = new StringWriter();
        RunTelemetry telemetry = new RunTelemetry(session, j.rig, j.id, run.runDir().getFileName().toString());
        TrainingRun.Result r = run.execute(List.of(telemetry),
                () -> j.stop.get() ? Optional.of(j.pauseRequested() ? RunStatus.PAUSED : RunStatus.ABORTED) : Optional.empty(),
                new PrintWriter(notices, true));
        if (!notices.toString().isBlank()) {
            LOG.warn("job {}: {}", j.id, notices.toString().strip());
        }
        j.status(r.stop().status(), r.stop().reason());
        return r.stop().status() == RunStatus.PAUSED ? "paused" : "idle";
    }

    private void calibrate(Job j) throws IOException {
        RigFile rf = rigs.get(j.rig);
        try (Rig rig = CalibratedRigs.open(rf, calibrations, opener)) {
            rig.useCalibration(IdentityCalibration.INSTANCE);
            CalibrationRecord r = Calibrator.run(rig, rf.calibration(), calibrations.newId(j.rig, Instant.now()), build.version(), n -> { });
            ObjectNode result = JSON.createObjectNode();
            result.put("calibration_id", r.id());
            Calibrator.report(r).lines().forEach(result.putArray("report_lines")::add);
            result.put("accepted", r.accepted());
            j.result(result);
            j.runDir(JobResults.calibration(runsDir, j.id, Calibrator.report(r), result).toString());
            if (!r.accepted()) {
                j.status(RunStatus.FAILED, "calibration rejected: a residual exceeds max_residual_ps");
                return;
            }
            calibrations.save(r);
            j.status(RunStatus.COMPLETED, "calibration " + r.id());
        }
    }

    private void measure(Job j) {
        RigFile rf = rigs.get(j.rig);
        Map<String, Double> set = new LinkedHashMap<>();
        j.spec.get("set").fields().forEachRemaining(e -> set.put(e.getKey(), e.getValue().asDouble()));
        try (Rig rig = CalibratedRigs.open(rf, calibrations, opener)) {
            ParameterVector v = rig.description().withOverrides(set);
            List<Stimulus> stimuli = new ArrayList<>();
            j.spec.get("delays_ns").forEach(d -> stimuli.add(Stimulus.delay(rig.description(), d.asDouble())));
            List<StimulusResult> results = rig.measure(v, stimuli);
            ArrayNode out = JSON.createArrayNode();
            results.forEach(r -> out.add(telemetry.measured(j.rig, j.id, r)));
            ObjectNode result = JSON.createObjectNode();
            result.set("measurements", out);
            j.result(result);
            j.runDir(JobResults.measurements(runsDir, j.id, results).toString());
            j.status(RunStatus.COMPLETED, results.size() + " stimuli measured; measurements.csv in the run directory");
        }
    }

    /**
     * Queued jobs stay queued for the next daemon (they are in the job file); a running training
     * pauses after its current iteration, to be resumed by the next daemon ({@code on_restart});
     * returns once every rig's executor has finished (at most 10 min).
     */
    void shutdown() {
        synchronized (this) {
            closing = true;
            for (Job j : jobs.values()) {
                if (j.is(RunStatus.RUNNING) && j.kind.equals("train")) {
                    j.pauseForShutdown();
                } else {
                    j.stop.set(true);
                }
            }
            closing = true;
            executors.values().forEach(ExecutorService::shutdown);
        }
        for (ExecutorService e : executors.values()) {
            try {
                e.awaitTermination(10, TimeUnit.MINUTES);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
