package org.tileloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tileloop.input.ShownPath;
import org.tileloop.run.RunStatus;
import org.tileloop.run.TrainingRun;
import org.tileloop.rig.file.RigLocator;
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

    @Option(names = "--rig", paramLabel = "RIG", description = RigArgument.DESCRIPTION)
    String rig;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RIG", description = "Deprecated: the rig as a positional argument; use --rig.")
    String positionalRig;

    @Option(names = "--config", paramLabel = "CONFIG",
            description = "Training config: file or name under training/ beside the rig file (default: the rig's id).")
    String config;

    @Option(names = "--iterations", paramLabel = "N", description = "Override the config's iterations.")
    Integer iterations;

    @Option(names = "--seed", paramLabel = "S", description = "Override the config's seed.")
    Long seed;

    @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs", description = "Runs directory (default ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--out", hidden = true, paramLabel = "DIR", description = "Deprecated spelling of --runs-dir.")
    Path oldOut;

    @picocli.CommandLine.Mixin
    CalibrationOptions calibration;

    @picocli.CommandLine.Mixin
    FleetOptions fleet;

    @Option(names = "--allow-uncalibrated", description = "Train a bench rig without a valid calibration (times stay raw).")
    boolean allowUncalibrated;

    @Option(names = "--resume", paramLabel = "RUN",
            description = "Continue a run from its last completed iteration, with the rig and config it recorded: "
                    + "its directory, runs/latest or its run id (looked up in --runs-dir).")
    Path resume;

    @Override
    public Integer call() throws IOException {
        String commandLine = "tileloop " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        TrainingRun.Build build = new TrainingRun.Build(Main.version(), Main.gitCommit());
        TrainingRun run;
        if (oldOut != null) {
            OldSpelling.use(spec, "--out", "--runs-dir");
            runsDir = oldOut;
        }
        if (positionalRig != null) {
            if (rig != null) {
                throw new ParameterException(spec.commandLine(), "give the rig once, as --rig RIG");
            }
            OldSpelling.warn(spec, "the positional RIG", "--rig " + positionalRig);
            rig = positionalRig;
        }
        if (resume != null) {
            if (rig != null || config != null || iterations != null || seed != null || calibration.calibrationDir != null) {
                throw new ParameterException(spec.commandLine(), "--resume continues a run with its recorded rig, config and"
                        + " calibration directory: give no --rig, --config, --iterations, --seed or --calibration-dir");
            }
            run = TrainingRun.resume(resume, runsDir, commandLine, build);
        } else {
            if (rig == null) {
                throw new ParameterException(spec.commandLine(), "Missing --rig RIG (a rig id such as sim-tile4, or a rig file) or --resume RUN");
            }
            Path rigFile = RigArgument.file(rig);
            Path configFile = config == null ? null : RigLocator.trainingConfig(config, rigFile, "--config");
            TrainingRun.interruptedNotice(runsDir).ifPresent(n -> {
                spec.commandLine().getErr().println(n);
                spec.commandLine().getErr().flush();
            });
            run = TrainingRun.create(rigFile, configFile, iterations, seed, runsDir, calibration.store(), allowUncalibrated, commandLine, build);
        }
        run.openingRigWith(fleet.opener());
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
        try {
            TrainingRun.Result result;
            try {
                result = run.execute(List.of(progress), () -> stop.get() ? Optional.of(RunStatus.ABORTED) : Optional.empty(), err);
            } finally {
                progress.finish();
            }
            PrintWriter out = spec.commandLine().getOut();
            RunStatus status = result.stop().status();
            if (status == RunStatus.PAUSED) {
                err.println(result.stop().reason());
            }
            out.println(status == RunStatus.COMPLETED ? "artifacts: " + ShownPath.of(result.runDir())
                    : status.wire() + "; artifacts so far: " + ShownPath.of(result.runDir()));
            out.flush();
            return switch (status) {
                case PAUSED -> EXIT_PAUSED;
                case ABORTED -> EXIT_ABORTED;
                case COMPLETED -> 0;
                case RUNNING, FAILED, INTERRUPTED -> throw new IllegalStateException("a run returned as " + status.wire());
            };
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the run is recorded
            }
        }
    }
}
