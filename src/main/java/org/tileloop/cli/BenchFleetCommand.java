package org.tileloop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.tileloop.benchmark.FleetBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Measure the fleet's speed against a local rig with as many ngspice processes, and the cost of losing a worker.",
                "N single-slot worker processes on a loopback broker: measurements/s and the ratio to the local rig;",
                "then one worker of the largest fleet killed (SIGKILL) a third of the way through the set."})
final class BenchFleetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rig", defaultValue = "sim-tile4", paramLabel = "RIG", description = "Simulated rig: id or file (default ${DEFAULT-VALUE}).")
    String rig;

    @Option(names = "--workers", defaultValue = "1,2,4", split = ",", paramLabel = "N", description = "Fleet sizes, comma-separated, each 1-16 (default ${DEFAULT-VALUE}).")
    List<Integer> workers;

    @Option(names = "--measurements", defaultValue = "300", paramLabel = "N", description = "Measurement set size, 10-100000 (default ${DEFAULT-VALUE}).")
    int measurements;

    @Override
    public Integer call() throws Exception {
        if (measurements < 10 || measurements > 100_000 || workers.stream().anyMatch(n -> n < 1 || n > 16)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--measurements in [10, 100000], --workers each in [1, 16]");
        }
        var file = RigArgument.load(rig);
        if (file.description().kind() != org.tileloop.rig.RigKind.SIMULATED) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rig: " + file.description().id() + " is not a simulated rig");
        }
        Path work = Files.createTempDirectory("tileloop-bench-fleet-");
        try {
            new FleetBenchmark(file, spec.commandLine().getOut(), Main.class.getName()).run(workers, measurements, work);
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }
}
