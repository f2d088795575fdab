package org.tileloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.bench.InterlockException;
import org.tileloop.rig.RigKind;
import org.tileloop.calibration.CalibrationRecord;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.calibration.Calibrator;
import org.tileloop.calibration.LinearCalibration;
import org.tileloop.train.DriftException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.file.Rigs;
import org.tileloop.train.RunReport;
import org.tileloop.train.RunState;
import org.tileloop.train.Trainer;
import org.tileloop.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a rig's parameters towards temporal targets (perturb-measure-update).",
                "Ctrl-C stops at the next iteration boundary (status aborted, exit 130); --resume continues."})
final class TrainCommand implements Callable<Integer> {

    static final int EXIT_ABORTED = 130;
    static final int EXIT_PAUSED = 5;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RIG", description = "Rig file, e.g. rigs/sim-tile4.yaml.")
    Path rigFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Training config (default: training/<rig id>.yaml next to the rig file).")
    Path configFile;

    @Option(names = "--iterations", paramLabel = "N", description = "Override the config's iterations.")
    Integer iterations;

    @Option(names = "--seed", paramLabel = "S", description = "Override the config's seed.")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "Runs directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--calibration-dir", paramLabel = "DIR",
            description = "Calibration records (default: calibration/ of this tileloop checkout).")
    Path calibrationDir;

    @Option(names = "--allow-uncalibrated", description = "Train a bench rig without a valid calibration (times stay raw).")
    boolean allowUncalibrated;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue an interrupted run (e.g. runs/latest) from its last completed iteration, "
                    + "with the rig and config it recorded.")
    Path resume;

    @Override
    public Integer call() throws IOException {
        if (resume != null) {
            if (rigFile != null || configFile != null || iterations != null || seed != null || calibrationDir != null) {
                throw new ParameterException(spec.commandLine(), "--resume continues a run with its recorded rig, config and"
                        + " calibration directory: give no RIG, --config, --iterations, --seed or --calibration-dir");
            }
            return resume();
        }
        if (rigFile == null) {
            throw new ParameterException(spec.commandLine(), "Missing RIG (a rig file, e.g. rigs/sim-tile4.yaml) or --resume RUN_DIR");
        }
        RigFile rigf = RigFileLoader.load(rigFile);
        Path cfgPath = configFile != null ? configFile
                : rigFile.toAbsolutePath().getParent().resolve("training").resolve(rigf.description().id() + ".yaml");
        TrainingConfig config = TrainingConfig.load(cfgPath);
        if (iterations != null) {
            config.iterations = iterations;
        }
        if (seed != null) {
            config.seed = seed;
        }
        config.check(cfgPath.toString());
        byte[] cfgBytes = Json.MAPPER.writeValueAsBytes(config.asMap());
        String configSha = RigFileLoader.sha256(cfgBytes);
        Path runDir = newRunDir(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-" + configSha.substring(0, 8));
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("run_id", runDir.getFileName().toString());
        manifest.put("command_line", "tileloop " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        manifest.put("tileloop_version", Main.version());
        Main.gitCommit().ifPresent(c -> manifest.put("git_commit", c));
        manifest.put("java_version", System.getProperty("java.version"));
        manifest.put("rig_file", rigFile.toString());
        manifest.put("rig_file_absolute", rigFile.toAbsolutePath().normalize().toString());
        manifest.put("rig_file_sha256", rigf.sha256());
        manifest.put("config_file", cfgPath.toString());
        manifest.put("config_sha256", configSha);
        manifest.set("config", Json.MAPPER.valueToTree(config.asMap()));
        manifest.put("seed", config.seed);
        manifest.put("calibration_dir", store().root().toAbsolutePath().normalize().toString());
        manifest.put("allow_uncalibrated", allowUncalibrated);
        manifest.put("start_time", Instant.now().toString());
        return train(runDir, rigf, config, manifest);
    }

    private CalibrationStore store() {
        return calibrationDir == null ? CalibrationStore.defaultStore() : new CalibrationStore(calibrationDir);
    }

    private Path newRunDir(String runId) throws IOException {
        Files.createDirectories(out);
        for (int i = 1; ; i++) {
            Path dir = out.resolve(i == 1 ? runId : runId + "-" + i);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // same second, same config: take the next suffix
            }
        }
    }

    private int resume() throws IOException {
        Path manifestFile = resume.resolve("manifest.json");
        if (!Files.isRegularFile(manifestFile) || !Files.isRegularFile(resume.resolve(RunState.FILE))) {
            throw new RigConfigurationException(resume + ": not a resumable run directory (needs manifest.json and "
                    + RunState.FILE + ")");
        }
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        if ("completed".equals(manifest.path("status").asText())) {
            throw new RigConfigurationException(resume + ": run already completed; nothing to resume");
        }
        Path rigPath = Path.of(manifest.path("rig_file_absolute").asText());
        RigFile rigf = RigFileLoader.load(rigPath);
        if (!rigf.sha256().equals(manifest.path("rig_file_sha256").asText())) {
            throw new RigConfigurationException(rigPath + ": rig file changed since run " + manifest.path("run_id").asText()
                    + " started (sha256 " + rigf.sha256().substring(0, 12) + ", recorded "
                    + manifest.path("rig_file_sha256").asText().substring(0, Math.min(12, manifest.path("rig_file_sha256").asText().length()))
                    + "); restore it or start a new run");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> recorded = Json.MAPPER.convertValue(manifest.path("config"), Map.class);
        TrainingConfig config = TrainingConfig.fromMap(recorded, manifestFile + ": config");
        RunState state = RunState.load(resume).orElseThrow();
        if (manifest.hasNonNull("calibration_dir")) {
            calibrationDir = Path.of(manifest.get("calibration_dir").asText());
        }
        allowUncalibrated |= manifest.path("allow_uncalibrated").asBoolean(false);
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("time", Instant.now().toString());
        entry.put("from_iteration", state.nextIteration());
        entry.put("command_line", "tileloop " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        JsonNode resumes = manifest.path("resumes");
        (resumes.isArray() ? (com.fasterxml.jackson.databind.node.ArrayNode) resumes : manifest.putArray("resumes")).add(entry);
        manifest.remove("end_time");
        manifest.remove("reason");
        return train(resume, rigf, config, manifest);
    }

    private int train(Path runDir, RigFile rigf, TrainingConfig config, ObjectNode manifest) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            err.println();
            err.println("tileloop: stop requested; finishing the current iteration (SIGKILL loses at most that iteration)");
            err.flush();
            try {
                finished.await(1, TimeUnit.HOURS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        ProgressDisplay progress = new ProgressDisplay(err, System.console() != null);
        boolean paused = false;
        try {
            manifest.put("status", "running");
            writeManifest(runDir, manifest);
            Path latest = runDir.toAbsolutePath().getParent().resolve("latest");
            Files.deleteIfExists(latest);
            Files.createSymbolicLink(latest, runDir.getFileName());
            CalibrationStore store = store();
            try (Rig rig = Rigs.open(rigf, store)) {
                manifest.put("rig_id", rig.description().id());
                manifest.put("rig_kind", rig.description().kind().toString());
                manifest.set("rig_provenance", Json.MAPPER.valueToTree(rig.provenance()));
                String problem = Rigs.calibrationProblem(rigf, store, rig);
                if (problem != null) {
                    if (rig.description().kind() == RigKind.BENCH && !allowUncalibrated) {
                        throw new RigConfigurationException(problem + ": a bench rig trains on calibrated times; run "
                                + "tileloop calibrate --rig " + rigf.path() + ", or pass --allow-uncalibrated");
                    }
                    err.println("warning: " + problem + "; times are uncalibrated (calibration id identity)");
                }
                manifest.put("calibration_id", rig.calibration().id());
                ArrayNode recalibrations = manifest.withArray("recalibrations");
                writeManifest(runDir, manifest);
                Trainer trainer = new Trainer(rig, config).withRecalibration((k, driftPs) -> {
                    CalibrationRecord r = Calibrator.run(rig, rigf.calibration(), store.newId(rig.description().id(), Instant.now()),
                            Main.version(), n -> { });
                    if (!r.accepted()) {
                        throw new DriftException("recalibration at iteration " + k + " was rejected:\n" + Calibrator.report(r));
                    }
                    try {
                        store.save(r);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    ObjectNode entry = recalibrations.addObject();
                    entry.put("iteration", k);
                    entry.put("drift_ps", driftPs);
                    entry.put("calibration_id", r.id());
                    err.printf(java.util.Locale.ROOT, "%ndrift %.1f ps at iteration %d: recalibrated, now %s%n", driftPs, k, r.id());
                    return new LinearCalibration(r);
                });
                Trainer.Outcome o = trainer.run(runDir, progress, stop::get);
                manifest.put("calibration_id_end", rig.calibration().id());
                progress.finish();
                RunReport.write(runDir, rig.description(), o);
                manifest.put("measurements", o.measurements());
                manifest.put("iterations_completed", o.lastIteration());
                if (o.completed()) {
                    manifest.put("status", "completed");
                    manifest.put("reason", "reached " + config.iterations + " iterations");
                } else {
                    manifest.put("status", "aborted");
                    manifest.put("reason", "stop requested (SIGINT/SIGTERM) after iteration " + o.lastIteration()
                            + "; continue with: tileloop train --resume " + runDir);
                }
            } catch (InterlockException | DriftException e) {
                progress.finish();
                manifest.put("status", "aborted");
                manifest.put("reason", "paused: " + e.getMessage() + "; continue with: tileloop train --resume " + runDir);
                spec.commandLine().getErr().println("paused: " + e.getMessage());
                paused = true;
            } catch (RuntimeException | IOException e) {
                progress.finish();
                manifest.put("status", "failed");
                manifest.put("reason", String.valueOf(e.getMessage()));
                throw e;
            } finally {
                manifest.put("end_time", Instant.now().toString());
                writeManifest(runDir, manifest);
            }
            if (paused) {
                spec.commandLine().getOut().println("paused; artifacts so far: " + runDir);
                return EXIT_PAUSED;
            }
            boolean aborted = "aborted".equals(manifest.path("status").asText());
            spec.commandLine().getOut().println((aborted ? "aborted; artifacts so far: " : "artifacts: ") + runDir);
            spec.commandLine().getOut().flush();
            return aborted ? EXIT_ABORTED : 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the run is recorded
            }
        }
    }

    private static void writeManifest(Path runDir, ObjectNode manifest) throws IOException {
        Path tmp = runDir.resolve("manifest.json.tmp");
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        Files.move(tmp, runDir.resolve("manifest.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
