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

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run benchmarks that print figures.",
        subcommands = {BenchCommand.Sim.class, BenchCommand.Train.class, BenchCommand.Daemon.class, BenchCommand.Link.class,
                BenchFleetCommand.class})
final class BenchCommand {

    @Command(name = "sim", mixinStandardHelpOptions = true,
            description = {"Measure the simulated rig's speed: measurements/s, memory over a soak and the trainer's overhead.",
                    "Compares against the naive path (ngspice -b per measurement) and the solver floor (one ngspice, no Java),",
                    "and the rig file's simulator.step against the untuned 10 ps trap: speed-up and worst first-spike change against a 1 ps reference."})
    static final class Sim implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rig", defaultValue = "sim-tile4", paramLabel = "RIG",
                description = "Simulated rig: id or file (default ${DEFAULT-VALUE}).")
        String rig;

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
            new SimBenchmark(RigArgument.load(rig), spec.commandLine().getOut()).run(measurements, soak, work);
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Benchmark every training method on the same rig, task and seeds (a bench rig runs on its own bench emulator per run).",
                    "Prints measurements to reach central FD's final loss, final losses and wall time;",
                    "writes runs.csv, summary.md and loss.svg."})
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rig", defaultValue = "sim-tile4", paramLabel = "RIG",
                description = "Simulated rig, or bench rig run on the bench emulator: id or file (default ${DEFAULT-VALUE}).")
        String rig;

        @Option(names = "--noise", defaultValue = "both", paramLabel = "off|on|both",
                description = "Timing jitter off, on (--jitter-ps) or both (default ${DEFAULT-VALUE}).")
        String noise;

        @Option(names = "--jitter-ps", defaultValue = "10", paramLabel = "PS", description = "Jitter when noise is on (default ${DEFAULT-VALUE}).")
        double jitterPs;

        @Option(names = "--config", paramLabel = "CONFIG",
                description = "Training config: file or name under training/ beside the rig file (default: <rig id>).")
        String config;

        @Option(names = "--seeds", defaultValue = "5", paramLabel = "N", description = "Seeds per method (default ${DEFAULT-VALUE}).")
        int seeds;

        @Option(names = "--fd-iterations", defaultValue = "8", paramLabel = "N", description = "Central FD's budget; other methods get the same measurements.")
        int fdIterations;

        @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default runs/bench-train-<UTC>).")
        Path out;

        @Option(names = "--tile", paramLabel = "RIG",
                description = "With a bench rig: the simulated rig whose SPICE tile the bench emulator uses (default: its built-in model).")
        String tile;

        @Option(names = "--twin", paramLabel = "RIG",
                description = "Simulated twin of the rig, id or file: adds twin-gauss-newton (default: none).")
        String twin;

        @picocli.CommandLine.Mixin
        FleetOptions fleet;

        @Option(names = "--methods", split = ",", paramLabel = "NAME",
                description = "Methods to run, comma-separated (default: all; fd-central always runs, it sets the budget and the target).")
        List<String> methods;

        @Override
        public Integer call() throws Exception {
            if (seeds < 1 || seeds > 100 || fdIterations < 1 || fdIterations > 1000 || !List.of("off", "on", "both").contains(noise)
                    || !(jitterPs >= 0 && jitterPs <= 1000)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--seeds in [1, 100], --fd-iterations in [1, 1000], --noise off|on|both, --jitter-ps in [0, 1000]");
            }
            Path rigFile = RigArgument.file(rig);
            var file = RigFileLoader.load(rigFile);
            Path cfg = config != null ? org.tileloop.rig.file.RigLocator.trainingConfig(config, rigFile, "--config")
                    : org.tileloop.rig.file.RigLocator.defaultTrainingConfig(rigFile, file.description().id());
            Path dir = out != null ? out : Path.of("runs", "bench-train-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                    .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()));
            List<String> known = org.tileloop.benchmark.TrainMethod.all().stream().map(org.tileloop.benchmark.TrainMethod::name).toList();
            List<String> chosen = methods == null ? known : methods;
            for (String m : chosen) {
                if (!known.contains(m)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--methods: unknown method '" + m + "'; methods: "
                            + String.join(", ", known));
                }
            }
            java.util.Optional<org.tileloop.rig.file.RigFile> twinFile = twin == null ? java.util.Optional.empty()
                    : java.util.Optional.of(RigArgument.load(twin, "--twin"));
            if (twinFile.isPresent() && twinFile.get().description().kind() != org.tileloop.rig.RigKind.SIMULATED) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--twin: " + twinFile.get().description().id() + " is a "
                        + twinFile.get().description().kind().toString().toLowerCase(java.util.Locale.ROOT) + " rig; a twin is a simulated rig");
            }
            if (twinFile.isEmpty() && methods != null && methods.contains("twin-gauss-newton")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--methods twin-gauss-newton needs --twin RIG (a simulated rig)");
            }
            org.tileloop.benchmark.BenchmarkRig source;
            if (fleet.fleet && file.description().kind() != org.tileloop.rig.RigKind.SIMULATED) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--fleet: only simulated rigs run on the fleet");
            }
            if (file.description().kind() == org.tileloop.rig.RigKind.BENCH) {
                java.util.Optional<Path> tileFile = tile == null ? java.util.Optional.empty() : java.util.Optional.of(RigArgument.file(tile, "--tile"));
                source = org.tileloop.benchmark.BenchmarkRig.emulated(file, tileFile, Path.of(System.getProperty("tileloop.home", ".")).resolve("drivers/firmware"),
                        Files.createTempDirectory("tileloop-bench-train-"));
            } else if (tile != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tile: only a bench rig runs on the emulator; "
                        + file.description().id() + " is a " + file.description().kind().toString().toLowerCase(java.util.Locale.ROOT) + " rig");
            } else if (fleet.fleet) {
                source = org.tileloop.benchmark.BenchmarkRig.onFleet(file, org.tileloop.fleet.FleetSettings.of(fleet.broker.settings()),
                        Files.createTempDirectory("tileloop-bench-train-"));
            } else {
                source = org.tileloop.benchmark.BenchmarkRig.simulated(file);
            }
            new org.tileloop.benchmark.TrainBenchmark(source, twinFile, cfg, spec.commandLine().getOut()).run(seeds, fdIterations, dir, noise, jitterPs, chosen);
            return 0;
        }
    }

    @Command(name = "daemon", mixinStandardHelpOptions = true,
            description = {"Soak a real daemon and print commands/s, memory growth and telemetry lost over broker restarts.",
                    "Runs a child daemon with its own mosquitto; reads its RSS after --commands-1 and --commands-2 commands",
                    "and counts messages lost, duplicated or misrouted over broker restarts during a training."})
    static final class Daemon implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rig", defaultValue = "sim-tile4", paramLabel = "RIG",
                description = "Simulated rig: id or file (default ${DEFAULT-VALUE}).")
        String rig;

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
            new org.tileloop.benchmark.DaemonBenchmark(spec.commandLine().getOut(), Main.class.getName()).run(RigArgument.file(rig), work, commands1, commands2, restarts, iterations);
            return 0;
        }
    }

    @Command(name = "link", mixinStandardHelpOptions = true,
            description = {"Measure a bench rig's link under faults on its bench emulator.",
                    "Scenarios (jitter 0): clean; 1%% corrupt bytes; 5%% dropped replies; both. Prints measurements/s in full batches,",
                    "resends, the wall time of a short training and the measurements that are wrong, duplicated or lost against the clean run's."})
    static final class Link implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rig", defaultValue = "bench-emulated", paramLabel = "RIG",
                description = "Bench rig: id or file (default ${DEFAULT-VALUE}).")
        String rig;

        @Option(names = "--config", paramLabel = "CONFIG",
                description = "Training config: file or name under training/ beside the rig file (default: <rig id>).")
        String config;

        @Option(names = "--batches", defaultValue = "20", paramLabel = "N", description = "Batches of 16 probes (default ${DEFAULT-VALUE}).")
        int batches;

        @Option(names = "--iterations", defaultValue = "3", paramLabel = "N", description = "Training iterations (default ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--seed", defaultValue = "3", paramLabel = "N", description = "Emulator and probe seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            if (batches < 1 || batches > 10_000 || iterations < 1 || iterations > 1000 || seed < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--batches in [1, 10000], --iterations in [1, 1000], --seed >= 0");
            }
            Path rigFile = RigArgument.file(rig);
            var file = RigFileLoader.load(rigFile);
            if (file.description().kind() != org.tileloop.rig.RigKind.BENCH) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rig: " + file.description().id() + " is a "
                        + file.description().kind().toString().toLowerCase(java.util.Locale.ROOT) + " rig; bench link needs a bench rig");
            }
            Path cfg = config != null ? org.tileloop.rig.file.RigLocator.trainingConfig(config, rigFile, "--config")
                    : org.tileloop.rig.file.RigLocator.defaultTrainingConfig(rigFile, file.description().id());
            Path work = Files.createTempDirectory("tileloop-bench-link-");
            new org.tileloop.benchmark.LinkBenchmark(file, cfg, Path.of(System.getProperty("tileloop.home", ".")).resolve("drivers/firmware"),
                    spec.commandLine().getOut()).run(batches, iterations, seed, work);
            return 0;
        }
    }
}
