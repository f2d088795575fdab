package org.tileloop.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tileloop.calibration.CalibratedRigs;
import org.tileloop.input.BadInputException;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFile;
import org.tileloop.sweep.Sweep;
import org.tileloop.sweep.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Measure a rig at every point of a parameter grid or of seeded random points (locally or --fleet).",
                "Writes sweep.json, a tidy points.csv (a row per point, delay and channel) and heatmap-<a>-<b>.svg per pair of swept",
                "parameters. Ctrl-C stops after the current batch (exit 130); the same command again, or --resume DIR, continues",
                "without measuring a finished point again."})
final class SweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rig", paramLabel = "RIG", description = RigArgument.DESCRIPTION)
    String rig;

    @Option(names = "--grid", split = ",", paramLabel = "NAME=LO:HI:N",
            description = "Grid: N values from LO to HI per parameter, comma-separated, e.g. r_fb=2000:6000:9,rleak=25000:80000:5.")
    List<String> grid;

    @Option(names = "--random", paramLabel = "N", description = "N seeded uniform random points (1-1000000) instead of a grid.")
    Integer random;

    @Option(names = "--ranges", split = ",", paramLabel = "NAME=LO:HI",
            description = "With --random: the parameters and ranges drawn from (default: every trainable parameter over [min, max]).")
    List<String> ranges;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of --random (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--delays", split = ",", defaultValue = "5", paramLabel = "NS",
            description = "Input pulse delays in ns measured at every point, comma-separated (default ${DEFAULT-VALUE}).")
    List<Double> delaysNs;

    @Option(names = "--input", paramLabel = "NAME", description = "Input the delays apply to (default: the rig's first input).")
    String input;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Fix a parameter that is not swept (plain number). Repeatable.")
    List<String> assignments = List.of();

    @Option(names = "--channel", paramLabel = "NAME", description = "Channel whose latency the heatmaps show (default: the rig's last channel).")
    String channel;

    @Option(names = "--out", paramLabel = "DIR", description = "Sweep directory (default sweeps/<rig id>-<spec hash>: the same sweep, the same directory).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the sweep in DIR with the spec it recorded.")
    Path resume;

    @Mixin
    CalibrationOptions calibration;

    @Mixin
    FleetOptions fleet;

    @Override
    public Integer call() throws Exception {
        SweepSpec sweep;
        RigFile file;
        Path dir;
        if (resume != null) {
            if (grid != null || random != null || ranges != null || !assignments.isEmpty() || input != null || out != null) {
                throw new ParameterException(spec.commandLine(), "--resume continues the sweep with the spec it recorded: give no --grid,"
                        + " --random, --ranges, --set, --input or --out");
            }
            dir = resume;
            sweep = Sweep.recorded(dir);
            file = RigArgument.load(rig != null ? rig : sweep.rigId());
            if (!file.sha256().equals(sweep.rigSha256())) {
                throw new RigConfigurationException(ShownPath.of(file.path()) + " changed since the sweep in " + ShownPath.of(dir)
                        + " started (its hash differs); restore it, or start a new sweep");
            }
        } else {
            if (rig == null) {
                throw new ParameterException(spec.commandLine(), "Missing --rig RIG (a rig id such as sim-tile4, or a rig file) or --resume DIR");
            }
            file = RigArgument.load(rig);
            sweep = spec(file);
            dir = out != null ? out : Path.of("sweeps", file.description().id() + "-" + sweep.id());
        }
        long size = sweep.size();
        if (size > SweepSpec.MAX_POINTS) {
            throw new BadInputException("--grid: " + size + " points; at most " + SweepSpec.MAX_POINTS);
        }
        String shown = channel != null ? channel : file.description().channels().get(file.description().channels().size() - 1).name();
        if (file.description().channels().stream().noneMatch(c -> c.name().equals(shown))) {
            throw new BadInputException("--channel: rig " + file.description().id() + " has no channel '" + shown + "'");
        }
        PrintWriter outw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        outw.println("sweep " + file.description().id() + ": " + sweep.describe() + ": " + size + " points" + (fleet.fleet ? " on the fleet" : ""));
        outw.flush();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            err.println();
            err.println("tileloop: stop requested; finishing the current batch of points");
            err.flush();
            try {
                finished.await(1, TimeUnit.HOURS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sweep-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean console = System.console() != null;
        Sweep.Outcome o;
        try (Rig r = CalibratedRigs.open(file, calibration.store(), fleet.opener())) {
            o = Sweep.run(r, sweep, dir, shown, stop::get, n -> {
                if (console) {
                    err.print("\rswept " + n + " of " + size + " points");
                    err.flush();
                }
            });
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the batch is recorded
            }
        }
        if (console) {
            err.println();
        }
        if (o.finishedBefore() > 0) {
            outw.println("continued: " + o.finishedBefore() + " of " + o.points() + " points were already measured");
        }
        outw.println("measured " + o.measured() + " points (" + o.measurements() + " measurements)");
        if (!o.completed()) {
            outw.println("stopped after " + (o.finishedBefore() + o.measured()) + " of " + o.points() + " points; continue with: tileloop sweep --resume "
                    + ShownPath.of(dir));
            outw.flush();
            return TrainCommand.EXIT_ABORTED;
        }
        outw.println("artifacts: " + ShownPath.of(dir) + " (points.csv" + (o.heatmaps().isEmpty() ? "; no heatmap: one parameter swept"
                : ", " + String.join(", ", o.heatmaps().stream().map(p -> p.getFileName().toString()).toList())) + ")");
        outw.flush();
        return 0;
    }

    private SweepSpec spec(RigFile file) {
        if ((grid == null) == (random == null)) {
            throw new ParameterException(spec.commandLine(), "give either --grid NAME=LO:HI:N,... or --random N");
        }
        if (grid != null && ranges != null) {
            throw new ParameterException(spec.commandLine(), "--ranges goes with --random; a grid gives its ranges in --grid");
        }
        if (random != null && (random < 1 || random > SweepSpec.MAX_POINTS)) {
            throw new BadInputException("--random: " + random + " is outside [1, " + SweepSpec.MAX_POINTS + "]");
        }
        var d = file.description();
        List<SweepSpec.Axis> axes;
        if (grid != null) {
            axes = SweepSpec.axes(grid, true, d, "--grid");
        } else if (ranges != null) {
            axes = SweepSpec.axes(ranges, false, d, "--ranges");
        } else {
            axes = d.parameters().stream().filter(ParameterSpec::trainable).map(p -> new SweepSpec.Axis(p.name(), p.min(), p.max(), 0)).toList();
        }
        RigOptions fixed = new RigOptions();
        fixed.assignments = assignments;
        Map<String, Double> set = fixed.overrides();
        for (SweepSpec.Axis a : axes) {
            if (set.containsKey(a.name())) {
                throw new BadInputException("--set " + a.name() + ": the parameter is swept; it cannot also be fixed");
            }
        }
        d.withOverrides(set);
        String in = input != null ? input : d.inputs().get(0).name();
        if (d.inputs().stream().noneMatch(i -> i.name().equals(in))) {
            throw new BadInputException("--input: rig " + d.id() + " has no input '" + in + "'");
        }
        return new SweepSpec(d.id(), file.sha256(), grid != null ? SweepSpec.Mode.GRID : SweepSpec.Mode.RANDOM, axes,
                random == null ? 0 : random, random == null ? 0 : seed, in, delaysNs, set);
    }
}
