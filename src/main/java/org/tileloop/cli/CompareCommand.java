package org.tileloop.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tileloop.benchmark.Comparison;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Train the same task on several rigs and compare them side by side.",
                "Digital detectors run at several clocks and widths; the table gives timing error, penalties,",
                "latency, energy per inference and measurements."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rig", split = ",", defaultValue = "sim-tile4,digital-detector", paramLabel = "RIG",
            description = "Rigs to compare: ids or files, comma-separated or repeated (default ${DEFAULT-VALUE}).")
    List<String> rigs;

    @Option(names = "--rigs", split = ",", hidden = true, paramLabel = "RIG", description = "Deprecated spelling of --rig.")
    List<String> oldRigs;

    @Option(names = "--config", defaultValue = "sim-tile4", paramLabel = "CONFIG",
            description = "Training config used for every rig: file or name under rigs/training/ (default ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--clocks", split = ",", defaultValue = "0.5,1,2,5", paramLabel = "GHZ",
            description = "Clocks of the digital detector in GHz, comma-separated (default ${DEFAULT-VALUE}).")
    List<Double> clocks;

    @Option(names = "--bits", split = ",", defaultValue = "8,16", paramLabel = "N",
            description = "Counter widths of the digital detector in bits, comma-separated (default ${DEFAULT-VALUE}).")
    List<Integer> bits;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Training seed for every rig (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default runs/compare-<UTC>).")
    Path out;

    @Option(names = "--json", description = "One JSON object per rig and variant per line; the report goes to stderr.")
    boolean json;

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
        if (oldRigs != null) {
            OldSpelling.use(spec, "--rigs", "--rig");
            rigs = oldRigs;
        }
        List<RigFile> files = new ArrayList<>();
        for (String r : rigs) {
            files.add(RigArgument.load(r));
        }
        Path configFile = RigLocator.trainingConfig(config, files.get(0).path(), "--config");
        Path dir = out != null ? out : Path.of("runs", "compare-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()));
        var report = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        List<Comparison.Row> rows = new Comparison(report).run(files, configFile, clocks, bits, seed, dir);
        if (json) {
            var o = spec.commandLine().getOut();
            for (Comparison.Row r : rows) {
                o.println(Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("rig", r.rig()).put("variant", r.variant())
                        .put("timing_rms_train_ns", r.rmsTrainNs()).put("timing_rms_holdout_ns", r.rmsHoldoutNs())
                        .put("accuracy_train", r.classified() ? r.accuracyTrain() : null)
                        .put("accuracy_holdout", r.classified() ? r.accuracyHoldout() : null)
                        .put("missing_train_ns2", r.missing()).put("order_train_ns2", r.order()).put("latency_ns", r.latencyNs())
                        .put("energy_pj_per_inference", r.energyPj()).put("measurements", r.measurements())));
            }
            o.flush();
        }
        return 0;
    }
}
