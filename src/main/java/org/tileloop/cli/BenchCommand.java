package org.tileloop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tileloop.bench.SimBenchmark;
import org.tileloop.rig.file.RigFileLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures.",
        subcommands = {BenchCommand.Sim.class})
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
}
