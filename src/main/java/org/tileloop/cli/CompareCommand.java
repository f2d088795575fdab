package org.tileloop.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tileloop.benchmark.Comparison;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Train the same task on several rigs (digital detectors at several clocks and widths) and compare",
                "timing error, penalties, latency, energy per inference and measurements side by side."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rigs", split = ",", defaultValue = "rigs/sim-tile4.yaml,rigs/digital-detector.yaml", paramLabel = "FILE")
    List<Path> rigs;

    @Option(names = {"--config", "--task"}, defaultValue = "rigs/training/sim-tile4.yaml", paramLabel = "FILE",
            description = "Training config used for every rig (default ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--clocks", split = ",", defaultValue = "0.5,1,2,5", paramLabel = "GHZ") List<Double> clocks;

    @Option(names = "--bits", split = ",", defaultValue = "8,16", paramLabel = "N") List<Integer> bits;

    @Option(names = "--seed", defaultValue = "1") long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default runs/compare-<UTC>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (double c : clocks) {
            if (!(c > 0 && c <= 100)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--clocks in (0, 100] GHz");
            }
        }
        for (int b : bits) {
            if (b < 2 || b > 32) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--bits in [2, 32]");
            }
        }
        List<RigFile> files = new ArrayList<>();
        for (Path r : rigs) {
            files.add(RigFileLoader.load(r));
        }
        Path dir = out != null ? out : Path.of("runs", "compare-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()));
        new Comparison(spec.commandLine().getOut()).run(files, config, clocks, bits, seed, dir);
        return 0;
    }
}
