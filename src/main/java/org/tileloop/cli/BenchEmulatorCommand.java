package org.tileloop.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.bench.emulator.BenchEmulator;
import org.tileloop.rig.file.RigLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench-emulator", mixinStandardHelpOptions = true,
        description = {"Build (if needed) and run the bench firmware's host emulator on a socat pty pair.",
                "Put the printed device path in the rig file (rigs/bench-emulated.yaml uses the default). Ctrl-C stops it.",
                "With --tile RIG the tile is that simulated rig's SPICE circuit (e.g. sim-tile4-chip1, a mismatched chip) behind "
                        + "the emulator's timing chain, instead of its built-in model; use it with rigs/bench-emulated-chip1.yaml."})
final class BenchEmulatorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--device", paramLabel = "PATH", defaultValue = "/tmp/tileloop-bench0", description = "Device link (default ${DEFAULT-VALUE}).")
    Path device;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for jitter and faults (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--jitter-ps", defaultValue = "3", description = "Timing jitter, standard deviation in ps (default ${DEFAULT-VALUE}).")
    double jitterPs;

    @Option(names = "--corrupt-rate", defaultValue = "0", paramLabel = "P", description = "Probability of a flipped bit per byte sent.")
    double corruptRate;

    @Option(names = "--drop-rate", defaultValue = "0", paramLabel = "P", description = "Probability that a reply frame is dropped.")
    double dropRate;

    @Option(names = "--disconnect-after", defaultValue = "-1", paramLabel = "N", description = "Unplug once after N replies.")
    long disconnectAfter;

    @Option(names = "--interlock-after", defaultValue = "-1", paramLabel = "N", description = "Trip the interlock at the N-th measurement or reference pulse.")
    long interlockAfter;

    @Option(names = "--offsets-ps", split = ",", paramLabel = "PS", description = "Timing-chain offset per channel, ps (4 values).")
    java.util.List<Double> offsetsPs = java.util.List.of();

    @Option(names = "--gain-ppm", split = ",", paramLabel = "PPM", description = "Timing-chain gain error per channel, ppm (4 values).")
    java.util.List<Double> gainPpm = java.util.List.of();

    @Option(names = "--drift-after", defaultValue = "-1", paramLabel = "N", description = "Shift every offset by --drift-ps after N measurements.")
    long driftAfter;

    @Option(names = "--drift-ps", defaultValue = "0", paramLabel = "PS", description = "Drift added to every offset by --drift-after, ps (default ${DEFAULT-VALUE}).")
    double driftPs;

    @Option(names = "--truth", paramLabel = "FILE", description = "Append the ground truth of every measurement (JSON lines).")
    Path truth;

    @Option(names = "--tile", paramLabel = "RIG", description = "Simulated rig whose SPICE tile answers every measurement: "
            + "rig id (e.g. sim-tile4-chip1, looked up in rigs/) or rig file (default: the emulator's built-in model).")
    String tile;

    @Override
    public Integer call() throws Exception {
        for (double p : new double[] {corruptRate, dropRate}) {
            if (!(p >= 0 && p <= 1)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "rates are probabilities in [0, 1], got " + p);
            }
        }
        Path firmware = Path.of(System.getProperty("tileloop.home", ".")).resolve("drivers/firmware");
        Path tileFile = tile == null ? null : RigLocator.standard().rigFile(tile, "--tile");
        BenchEmulator e = BenchEmulator.start(firmware, device, new BenchEmulator.Options(seed, corruptRate, dropRate,
                disconnectAfter, interlockAfter, jitterPs, truth, offsetsPs, gainPpm, driftAfter, driftPs, tileFile));
        Runtime.getRuntime().addShutdownHook(new Thread(e::close));
        spec.commandLine().getOut().println("bench emulator running; device: " + device
                + (tileFile == null ? "" : "; tile: SPICE, " + ShownPath.of(tileFile)));
        spec.commandLine().getOut().println("(rig file key bench.device; rigs/" + (tileFile == null ? "bench-emulated" : "bench-emulated-chip1")
                + ".yaml uses /tmp/tileloop-bench0). Ctrl-C stops it.");
        spec.commandLine().getOut().flush();
        e.awaitClose();
        return 0;
    }
}
