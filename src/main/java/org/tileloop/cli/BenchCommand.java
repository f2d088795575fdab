package org.tileloop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.tileloop.benchmark.SimBenchmark;
import org.tileloop.rig.file.RigFileLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures.",
        subcommands = {BenchCommand.Sim.class, BenchCommand.Train.class, BenchCommand.Daemon.class})
final class BenchCommand {

    @Command(name = "sim", mixinStandardHelpOptions = true,
            description = {"Measurements/s of the simulated rig against the naive path (ngspice -b per measurement) and the",
                    "solver floor (one ngspice, no Java); RSS over a soak; the trainer's own overhead per iteration."})
    static final class Sim implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rig", defaultValue = "rigs/sim-tile4.yaml", paramLabel = "FILE", description = "Simulated rig (default ${DEFAULT-VALUE}).")
        Path rig;

        @Option(names = "--measurements", defaultValue = "600", paramLabel = "N", description = "Measurement set size (default ${DEFAULT-VALUE}).")
        int measurements;

        @Option(names = "--soak", defaultValue = "10000", paramLabel = "N", description = "Measurements in the memory soak, 0 to skip (default ${DEFAULT-VALUE}).")
        int soak;

        @Override
        public Integer call() throws Exception {
            if (measurements < 1 || measurements > 100_000 || soak < 0 || soak > 10_000_000) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--measurements in [1, 100000], --soak in [0, 10000000]");
            }
            Path work = Files.createTempDirectory("tileloop-bench-");
            new SimBenchmark(RigFileLoader.load(rig), spec.commandLine().getOut()).run(measurements, soak, work);
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Every training method on the same rig, task and seeds: measurements to reach central FD's final loss,",
                    "final losses, wall time. Writes runs.csv, summary.md and loss.svg."})
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rig", defaultValue = "rigs/sim-tile4.yaml", paramLabel = "FILE", description = "Simulated rig (default ${DEFAULT-VALUE}).")
        Path rig;

        @Option(names = "--noise", defaultValue = "both", paramLabel = "off|on|both",
                description = "Timing jitter off, on (--jitter-ps) or both (default ${DEFAULT-VALUE}).")
        String noise;

        @Option(names = "--jitter-ps", defaultValue = "10", paramLabel = "PS", description = "Jitter when noise is on (default ${DEFAULT-VALUE}).")
        double jitterPs;

        @Option(names = "--config", paramLabel = "FILE", description = "Training config (default: training/<rig id>.yaml).")
        Path config;

        @Option(names = "--seeds", defaultValue = "5", paramLabel = "N") int seeds;

        @Option(names = "--fd-iterations", defaultValue = "8", paramLabel = "N", description = "Central FD's budget; other methods get the same measurements.")
        int fdIterations;

        @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default runs/bench-train-<UTC>).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (seeds < 1 || seeds > 100 || fdIterations < 1 || fdIterations > 1000 || !List.of("off", "on", "both").contains(noise)
                    || !(jitterPs >= 0 && jitterPs <= 1000)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--seeds in [1, 100], --fd-iterations in [1, 1000], --noise off|on|both, --jitter-ps in [0, 1000]");
            }
            var file = RigFileLoader.load(rig);
            Path cfg = config != null ? config : rig.toAbsolutePath().getParent().resolve("training").resolve(file.description().id() + ".yaml");
            Path dir = out != null ? out : Path.of("runs", "bench-train-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                    .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()));
            new org.tileloop.benchmark.TrainBenchmark(file, cfg, spec.commandLine().getOut()).run(seeds, fdIterations, dir, noise, jitterPs);
            return 0;
        }
    }

    @Command(name = "daemon", mixinStandardHelpOptions = true,
            description = {"Soaks a real daemon (child process, own mosquitto): commands answered per second, its RSS after",
                    "--commands-1 and --commands-2 commands, and messages lost, duplicated or misrouted over broker restarts",
                    "during a training."})
    static final class Daemon implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rig", defaultValue = "rigs/sim-tile4.yaml", paramLabel = "FILE", description = "Simulated rig (default ${DEFAULT-VALUE}).")
        Path rig;

        @Option(names = "--commands-1", defaultValue = "1000", paramLabel = "N", description = "First RSS reading after N commands (default ${DEFAULT-VALUE}).")
        int commands1;

        @Option(names = "--commands-2", defaultValue = "10000", paramLabel = "N", description = "Second RSS reading after N commands (default ${DEFAULT-VALUE}).")
        int commands2;

        @Option(names = "--restarts", defaultValue = "3", paramLabel = "N", description = "Broker restarts during the training (default ${DEFAULT-VALUE}).")
        int restarts;

        @Option(names = "--iterations", defaultValue = "40", paramLabel = "N", description = "Training iterations (default ${DEFAULT-VALUE}).")
        int iterations;

        @Override
        public Integer call() throws Exception {
            if (commands1 < 1 || commands2 <= commands1 || commands2 > 1_000_000 || restarts < 0 || restarts > 20 || iterations < restarts + 1
                    || iterations > 10_000) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--commands-1 >= 1, --commands-2 in (commands-1, 1000000],"
                        + " --restarts in [0, 20], --iterations in [restarts + 1, 10000]");
            }
            Path work = Files.createTempDirectory("tileloop-bench-daemon-");
            new org.tileloop.benchmark.DaemonBenchmark(spec.commandLine().getOut(), Main.class.getName()).run(rig, work, commands1, commands2, restarts, iterations);
            return 0;
        }
    }
}
