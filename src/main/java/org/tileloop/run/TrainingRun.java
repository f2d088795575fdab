package org.tileloop.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.tileloop.calibration.CalibratedRigs;
import org.tileloop.calibration.CalibrationRecord;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.calibration.Calibrator;
import org.tileloop.calibration.LinearCalibration;
import org.tileloop.input.Failures;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.bench.InterlockException;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.file.RigLocator;
import org.tileloop.train.DriftException;
import org.tileloop.train.DriftGuard;
import org.tileloop.train.Trainer;
import org.tileloop.train.TrainingConfig;
import org.tileloop.train.TrainingConfigBuilder;
import org.tileloop.train.TrainingTask;

/**
 * One training run and its record in {@code runs/<run-id>/}: the manifest (start: command,
 * resolved config, hashes, versions, seed, calibration; stop: status, reason, end time,
 * measurement count), the trainer's artifacts, and {@code runs/latest}. Used by the
 * {@code train} command and the daemon alike.
 */
public final class TrainingRun {

    /** How this tileloop identifies itself in manifests. */
    public record Build(String version, Optional<String> gitCommit) {
    }

    /** How the run ended and its final manifest. */
    public record Result(Path runDir, RunStop stop, ObjectNode manifest) {
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper SNAKE = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private final RunDirectory dir;
    private final Path runDir;
    private final RigFile rig;
    private final Optional<RigFile> twin;
    private final TrainingConfig config;
    private final ObjectNode manifest;
    private final CalibrationStore store;
    private final boolean allowUncalibrated;
    private final Build build;
    private final RunIndex.Event opening;
    private org.tileloop.rig.file.RigOpener opener = org.tileloop.rig.file.RigOpener.LOCAL;

    private TrainingRun(RunDirectory dir, RigFile rig, Optional<RigFile> twin, TrainingConfig config, ObjectNode manifest, CalibrationStore store,
                        boolean allowUncalibrated, Build build, RunIndex.Event opening) {
        this.dir = dir;
        this.runDir = dir.path();
        this.rig = rig;
        this.twin = twin;
        this.config = config;
        this.manifest = manifest;
        this.store = store;
        this.allowUncalibrated = allowUncalibrated;
        this.build = build;
        this.opening = opening;
    }

    /**
     * Prepares a new run: loads and checks the rig file and training config ({@code configFile}
     * null: {@code training/<rig id>.yaml} next to the rig file), creates the run directory.
     */
    public static TrainingRun create(Path rigFile, Path configFile, Integer iterations, Long seed, Path runsDir,
                                     CalibrationStore store, boolean allowUncalibrated, String commandLine, Build build)
            throws IOException {
        if (Files.exists(runsDir) && !Files.isDirectory(runsDir)) {
            throw new RigConfigurationException("--runs-dir: " + ShownPath.of(runsDir) + " is not a directory");
        }
        RigFile rigf = RigFileLoader.load(rigFile);
        Path cfgPath = configFile != null ? configFile : RigLocator.defaultTrainingConfig(rigFile, rigf.description().id());
        if (iterations != null && (iterations < 1 || iterations > 100_000)) {
            throw new RigConfigurationException("--iterations: " + iterations + " is outside the allowed range [1, 100000]");
        }
        if (seed != null && seed < 0) {
            throw new RigConfigurationException("--seed: " + seed + " is outside the allowed range [0, " + Long.MAX_VALUE + "]");
        }
        TrainingConfigBuilder draft = TrainingConfigBuilder.load(cfgPath);
        if (iterations != null) {
            draft.iterations = iterations;
        }
        if (seed != null) {
            draft.seed = seed;
        }
        TrainingConfig config = draft.build(cfgPath.toString());
        config.checkAgainst(rigf.description(), cfgPath.toString());
        Optional<RigFile> twin = TwinRigFile.find(config, cfgPath, rigf.description());
        byte[] cfgBytes = JSON.writeValueAsBytes(config.asMap());
        String configSha = RigFileLoader.sha256(cfgBytes);
        RunDirectory dir = RunDirectory.create(runsDir, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(clock().instant()) + "-" + configSha.substring(0, 8));
        ObjectNode m = JSON.createObjectNode();
        m.put("run_id", dir.path().getFileName().toString());
        m.put("command_line", commandLine);
        m.put("tileloop_version", build.version());
        build.gitCommit().ifPresent(c -> m.put("git_commit", c));
        m.put("java_version", System.getProperty("java.version"));
        m.put("rig_file", ShownPath.of(rigFile).toString());
        m.put("rig_file_from_run", ManifestPaths.fromRun(dir.path(), rigFile));
        m.put("rig_file_sha256", rigf.sha256());
        m.put("config_file", ShownPath.of(cfgPath).toString());
        m.put("config_sha256", configSha);
        m.set("config", JSON.valueToTree(config.asMap()));
        m.put("seed", config.schedule().seed());
        m.put("calibration_dir", ShownPath.of(store.root()).toString());
        m.put("calibration_dir_from_run", ManifestPaths.fromRun(dir.path(), store.root()));
        m.put("allow_uncalibrated", allowUncalibrated);
        m.put("start_time", Instant.now().toString());
        TwinRigFile.record(twin, m, dir.path());
        return new TrainingRun(dir, rigf, twin, config, m, store, allowUncalibrated, build, RunIndex.Event.START);
    }

    /**
     * Prepares to continue a run with the rig, config and calibration directory it recorded.
     * {@code name} is the run's directory, a link to it ({@code runs/latest}) or its run id in
     * {@code runsDir}. A run whose manifest says {@code running} while no process holds it was
     * interrupted (its process died); the resume records that.
     */
    public static TrainingRun resume(Path name, Path runsDir, String commandLine, Build build) throws IOException {
        RunDirectory dir = RunDirectory.open(name, runsDir);
        try {
            return resume(dir, commandLine, build);
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static TrainingRun resume(RunDirectory dir, String commandLine, Build build) throws IOException {
        RecordedRun r = RecordedRun.read(dir, commandLine);
        Optional<RigFile> twin = TwinRigFile.recorded(r.config(), r.manifest(), dir.path(), dir.manifestFile());
        return new TrainingRun(dir, r.rig(), twin, r.config(), r.manifest(), r.store(), r.allowUncalibrated(), build, RunIndex.Event.RESUME);
    }

    /**
     * A notice when the run {@code runsDir/latest} names was interrupted (its process died while
     * it was running), with the command that continues it; empty otherwise.
     */
    public static Optional<String> interruptedNotice(Path runsDir) {
        Path latest = runsDir.resolve("latest");
        if (!Files.isSymbolicLink(latest) || !RunDirectory.interrupted(latest)) {
            return Optional.empty();
        }
        try {
            Path run = latest.toRealPath();
            return Optional.of("notice: run " + run.getFileName() + " was interrupted (its process ended without recording a stop);"
                    + " continue it with: tileloop train --resume " + ShownPath.of(run));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Records in the manifest of the run in {@code runDir} that its process died while it ran
     * ({@code interrupted}, with {@code why}), when it still says {@code running} and no process
     * holds it; otherwise leaves it as it is.
     */
    public static void markInterrupted(Path runDir, Path runsDir, String why) throws IOException {
        if (!RunDirectory.interrupted(runDir)) {
            return;
        }
        try (RunDirectory dir = RunDirectory.open(runDir, runsDir)) {
            ObjectNode m = dir.readManifest();
            m.put("status", RunStatus.INTERRUPTED.wire());
            m.put("reason", why + "; continue with: tileloop train --resume " + ShownPath.of(dir.path()));
            dir.writeManifest(m);
            RunIndex.record(dir.path(), RunIndex.Event.STOP).ifPresent(System.err::println);
        }
    }

    public Path runDir() {
        return runDir;
    }

    /** Opens the trained rig with {@code opener} (default: here), e.g. on the fleet; results are the same. Returns this run. */
    public TrainingRun openingRigWith(org.tileloop.rig.file.RigOpener opener) {
        this.opener = opener;
        return this;
    }

    /**
     * Runs until completion, a stop request (its status), an interlock trip or timing drift
     * (paused). Any other failure is recorded as {@code failed} in the manifest and rethrown.
     * Listeners hear of each iteration after it is saved, and of the stop after the manifest is.
     *
     * @param notices warnings and drift notices for a human
     */
    public Result execute(List<RunListener> listeners, StopRequest stop, PrintWriter notices) throws IOException {
        manifest.put("status", RunStatus.RUNNING.wire());
        writeManifest();
        dir.reserve();
        dir.pointLatest();
        AtomicReference<RunStatus> requested = new AtomicReference<>();
        RunStop end;
        try (Rig r = CalibratedRigs.open(rig, store, opener); TwinRigFile.Opened t = TwinRigFile.open(twin)) {
            manifest.put("rig_id", r.description().id());
            manifest.put("rig_kind", r.description().kind().toString());
            manifest.set("rig_provenance", JSON.valueToTree(r.provenance()));
            String problem = CalibratedRigs.problem(rig, store, r);
            if (problem != null) {
                if (r.description().kind() == RigKind.BENCH && !allowUncalibrated) {
                    throw new RigConfigurationException(problem + ": a bench rig trains on calibrated times; run "
                            + "tileloop calibrate --rig " + rig.path() + ", or pass --allow-uncalibrated");
                }
                notices.println("warning: " + problem + "; times are uncalibrated (calibration id identity)");
                notices.flush();
            }
            manifest.put("calibration_id", r.calibration().id());
            manifest.withArray("recalibrations");
            writeManifest();
            RunIndex.record(runDir, opening).ifPresent(notices::println);
            listeners.forEach(l -> l.started(manifest.deepCopy()));
            RunRecord.Outcome o;
            try (RunRecord record = RunRecord.open(runDir, TrainingTask.of(config, r.description()), r, listeners)) {
                manifest.put("stop_rule", org.tileloop.train.PredictedStop.manifestRule(record.task(), r));
                writeManifest();
                Trainer trainer = new Trainer(r, t.rig(), record.task(), new DriftGuard(r, config, recalibration(r, notices)), clock());
                trainer.run(record.checkpoint(), record.history(), record, () -> {
                    stop.poll().ifPresent(requested::set);
                    return requested.get() != null;
                });
                o = record.outcome();
            }
            manifest.put("calibration_id_end", r.calibration().id());
            manifest.put("measurements", o.measurements());
            manifest.put("iterations_completed", o.lastIteration());
            o.finalRepeats().ifPresent(f -> manifest.set("final_repeats", SNAKE.valueToTree(f)));
            if (o.completed()) {
                end = new RunStop(RunStatus.COMPLETED, o.stopReason().orElse("reached " + config.iterations() + " iterations"));
            } else {
                RunStatus s = requested.get() == RunStatus.PAUSED ? RunStatus.PAUSED : RunStatus.ABORTED;
                end = new RunStop(s, (s == RunStatus.PAUSED ? "pause" : "stop") + " requested "
                        + (o.lastIteration() < 0 ? "before iteration 0 completed" : "after iteration " + o.lastIteration())
                        + "; continue with: " + resumeCommand());
            }
            RunReport.write(runDir, manifest.get("run_id").asText(), config, r.description(), o, end.status());
        } catch (InterlockException | DriftException e) {
            end = new RunStop(RunStatus.PAUSED, "paused: " + e.getMessage() + "; continue with: " + resumeCommand());
        } catch (IOException | UncheckedIOException e) {
            IOException io = e instanceof IOException x ? x : ((UncheckedIOException) e).getCause();
            String what = runDir + ": writing the run's files failed (" + Failures.describe(io) + ")";
            finish(new RunStop(RunStatus.FAILED, what), listeners, notices);
            throw new IOException(what + "; the run is recorded as failed; free space or fix the cause, then continue with: "
                    + resumeCommand(), io);
        } catch (RuntimeException e) {
            finish(new RunStop(RunStatus.FAILED, String.valueOf(e.getMessage())), listeners, notices);
            throw e;
        }
        finish(end, listeners, notices);
        return new Result(runDir, end, manifest.deepCopy());
    }

    /** The command that continues this run. */
    public String resumeCommand() {
        return "tileloop train --resume " + ShownPath.of(runDir);
    }

    /**
     * Stamps iterations: the system clock (UTC), or, when {@code SOURCE_DATE_EPOCH} is set (the
     * reproducible-builds convention), that fixed instant, so that repeated runs are byte-identical.
     */
    static Clock clock() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch != null && epoch.matches("[0-9]{1,12}")) {
            return Clock.fixed(Instant.ofEpochSecond(Long.parseLong(epoch)), ZoneOffset.UTC);
        }
        return Clock.systemUTC();
    }

    private DriftGuard.Recalibration recalibration(Rig r, PrintWriter notices) {
        ArrayNode recalibrations = manifest.withArray("recalibrations");
        return (k, driftPs) -> {
            CalibrationRecord rec = Calibrator.run(r, rig.calibration(), store.newId(r.description().id(), Instant.now()),
                    build.version(), n -> { });
            if (!rec.accepted()) {
                throw new DriftException("recalibration at iteration " + k + " was rejected:\n" + Calibrator.report(rec));
            }
            try {
                store.save(rec);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ObjectNode entry = recalibrations.addObject();
            entry.put("iteration", k);
            entry.put("drift_ps", driftPs);
            entry.put("calibration_id", rec.id());
            notices.printf(Locale.ROOT, "%ndrift %.1f ps at iteration %d: recalibrated, now %s%n", driftPs, k, rec.id());
            notices.flush();
            return new LinearCalibration(rec);
        };
    }

    private void finish(RunStop end, List<RunListener> listeners, PrintWriter notices) throws IOException {
        dir.releaseReserve();
        manifest.put("status", end.status().wire());
        manifest.put("reason", end.reason());
        manifest.put("end_time", Instant.now().toString());
        try {
            writeManifest();
        } finally {
            dir.close();
        }
        RunIndex.record(runDir, RunIndex.Event.STOP).ifPresent(notices::println);
        notices.flush();
        listeners.forEach(l -> l.stopped(end, manifest.deepCopy()));
    }

    private void writeManifest() throws IOException {
        dir.writeManifest(manifest);
    }
}
