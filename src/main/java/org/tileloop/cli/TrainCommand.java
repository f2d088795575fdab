package org.tileloop.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.Rig;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.file.Rigs;
import org.tileloop.train.Trainer;
import org.tileloop.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a rig's parameters towards temporal targets (perturb-measure-update).")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RIG", description = "Rig file, e.g. rigs/sim-tile4.yaml.")
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

    @Override
    public Integer call() throws IOException {
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
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-" + RigFileLoader.sha256(cfgBytes).substring(0, 8);
        Path runDir = out.resolve(runId);
        Files.createDirectories(runDir);
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("run_id", runId);
        manifest.put("command_line", "tileloop train " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        manifest.put("tileloop_version", Main.version());
        manifest.put("rig_file", rigFile.toString());
        manifest.put("rig_file_sha256", rigf.sha256());
        manifest.put("config_file", cfgPath.toString());
        manifest.put("config_sha256", RigFileLoader.sha256(cfgBytes));
        manifest.set("config", Json.MAPPER.valueToTree(config.asMap()));
        manifest.put("seed", config.seed);
        manifest.put("calibration_id", "identity");
        manifest.put("start_time", Instant.now().toString());
        manifest.put("status", "running");
        writeManifest(runDir, manifest);
        try (Rig rig = Rigs.open(rigf)) {
            Trainer.Outcome o = new Trainer(rig, config).run(runDir, p -> {
                err.printf(Locale.ROOT, "iteration %d/%d  loss_train %.6g  loss_holdout %s  measurements %d%n", p.iteration(),
                        p.iterations(), p.lossTrain(), Double.isNaN(p.lossHoldout()) ? "-" : String.format(Locale.ROOT, "%.6g", p.lossHoldout()),
                        p.measurements());
                err.flush();
            });
            writeSummary(runDir, rig, o);
            manifest.put("status", "completed");
            manifest.put("reason", "reached " + config.iterations + " iterations");
            manifest.put("measurements", o.measurements());
        } catch (RuntimeException | IOException e) {
            manifest.put("status", "failed");
            manifest.put("reason", String.valueOf(e.getMessage()));
            throw e;
        } finally {
            manifest.put("end_time", Instant.now().toString());
            writeManifest(runDir, manifest);
            Path latest = out.resolve("latest");
            Files.deleteIfExists(latest);
            Files.createSymbolicLink(latest, Path.of(runId));
        }
        spec.commandLine().getOut().println("artifacts: " + runDir);
        return 0;
    }

    private static void writeManifest(Path runDir, ObjectNode manifest) throws IOException {
        Path tmp = runDir.resolve("manifest.json.tmp");
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        Files.move(tmp, runDir.resolve("manifest.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeSummary(Path runDir, Rig rig, Trainer.Outcome o) throws IOException {
        int n = o.trainLoss().length - 1;
        StringBuilder s = new StringBuilder("# Training summary\n\n");
        s.append(String.format(Locale.ROOT, "| split | start | end |%n|---|---|---|%n| train | %.6g | %.6g |%n| holdout | %.6g | %.6g |%n%n",
                o.trainLoss()[0], o.trainLoss()[n], o.holdoutLoss()[0], o.holdoutLoss()[n]));
        s.append(String.format(Locale.ROOT, "Final holdout − train gap: %.6g%n%n", o.holdoutLoss()[n] - o.trainLoss()[n]));
        var t = o.finalTrain();
        s.append(String.format(Locale.ROOT, "Final train terms: timing %.6g, missing %.6g, count %.6g, order %.6g, energy %.6g%n%n",
                t.timing(), t.missing(), t.count(), t.order(), t.energy()));
        s.append("| parameter | unit | initial | final | min | max |\n|---|---|---|---|---|---|\n");
        for (ParameterSpec p : rig.description().parameters()) {
            double a = o.initial().get(p.name());
            double b = o.last().get(p.name());
            if (a != b || p.trainable()) {
                s.append(String.format(Locale.ROOT, "| %s | %s | %.6g | %.6g | %.6g | %.6g |%n", p.name(), p.unit(), a, b, p.min(), p.max()));
            }
        }
        Files.writeString(runDir.resolve("summary.md"), s.toString(), StandardCharsets.UTF_8);
    }
}
