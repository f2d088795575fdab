package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.rig.RigConfigurationException;

/**
 * twin_gauss_newton on the simulated rig: the mismatched chip sim-tile4-chip1 trained with the
 * nominal sim-tile4 as its twin (rigs/training/sim-tile4-chip1-twin.yaml), paused and resumed.
 */
class TwinRunTest {

    @TempDir
    Path dir;

    private TrainingRun create(Path config) throws Exception {
        return TrainingRun.create(Path.of("rigs/sim-tile4-chip1.yaml"), config, null, 1L, dir.resolve("runs"),
                new CalibrationStore(dir.resolve("cal")), false, "test", new TrainingRun.Build("test", Optional.empty()));
    }

    @Test
    void theChipMeasuresOnlyItsCurrentPointReachesItsTargetsAndLogsTheGapToTheTwinAcrossAResume() throws Exception {
        TrainingRun run = create(Path.of("rigs/training/sim-tile4-chip1-twin.yaml"));
        Path runDir = run.runDir();
        run.execute(List.of(), () -> lines(runDir) >= 3 ? Optional.of(RunStatus.PAUSED) : Optional.empty(), new PrintWriter(new StringWriter()));
        ObjectNode m = (ObjectNode) new ObjectMapper().readTree(runDir.resolve("manifest.json").toFile());
        assertEquals("paused", m.get("status").asText());
        assertEquals("rigs/sim-tile4.yaml", m.get("twin_rig_file").asText());
        assertEquals(Path.of("rigs/sim-tile4.yaml").toAbsolutePath().normalize(), runDir.resolve(m.get("twin_rig_file_from_run").asText())
                .toAbsolutePath().normalize());
        TrainingRun.Result done = TrainingRun.resume(runDir, dir.resolve("runs"), "test", new TrainingRun.Build("test", Optional.empty()))
                .execute(List.of(), Optional::empty, new PrintWriter(new StringWriter()));
        assertEquals(RunStatus.COMPLETED, done.stop().status());
        List<Map<String, String>> rows = rows(runDir);
        assertEquals(7, rows.size(), "iterations 0-6, each once across the resume");
        long previous = 0;
        for (Map<String, String> r : rows) {
            int k = Integer.parseInt(r.get("iteration"));
            long measured = Long.parseLong(r.get("measurements")) - previous;
            previous += measured;
            boolean holdout = k % 3 == 0 || k == 6;
            boolean refresh = k == 5;
            assertEquals((refresh ? 4 * 3 : 3) + (holdout ? 3 : 0), measured, "iteration " + k + ": the chip's stimuli");
            assertEquals(k == 6 ? "" : refresh ? "rig" : "twin", r.get("jacobian"), "iteration " + k);
            assertEquals(k == 6 ? 3 : 12, Integer.parseInt(r.get("twin_measurements")), "iteration " + k);
            for (String c : List.of("n0", "n1", "n2", "n3")) {
                double gap = Double.parseDouble(r.get("gap_" + c + "_ns"));
                assertTrue(Math.abs(gap) > 0.001 && Math.abs(gap) < 0.2, "iteration " + k + " " + c + ": the chip is close to the twin, not equal: " + gap);
            }
        }
        assertTrue(Double.parseDouble(rows.get(5).get("jacobian_cosine")) > 0.99, "the chip's Jacobian agrees with the twin's");
        double start = Double.parseDouble(rows.get(0).get("loss_train_ns2"));
        double third = Double.parseDouble(rows.get(2).get("loss_train_ns2"));
        assertTrue(start > 0.01 && third < 1e-4, "two twin steps take the loss from " + start + " to " + third);
        String summary = Files.readString(runDir.resolve("summary.md"));
        assertTrue(summary.contains("## Twin") && summary.contains("Jacobians: twin in 5 iterations, rig in 1"), summary);
    }

    @Test
    void aTwinThatIsNotASimulatedRigIsRefusedNamingTheKey() throws Exception {
        Path config = dir.resolve("twin-bench.yaml");
        Files.writeString(config, Files.readString(Path.of("rigs/training/sim-tile4-chip1-twin.yaml"))
                .replace("twin: ../sim-tile4.yaml", "twin: " + Path.of("rigs/bench-emulated.yaml").toAbsolutePath()));
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> create(config));
        assertTrue(e.getMessage().endsWith("twin: rigs/bench-emulated.yaml is a bench rig; a twin is a simulated rig"), e.getMessage());
        Files.writeString(config, Files.readString(Path.of("rigs/training/sim-tile4-chip1-twin.yaml")).replace("twin: ../sim-tile4.yaml", "twin: nowhere.yaml"));
        RigConfigurationException missing = assertThrows(RigConfigurationException.class, () -> create(config));
        assertTrue(missing.getMessage().contains("twin: ") && missing.getMessage().contains("nowhere.yaml"), missing.getMessage());
    }

    @Test
    void aTwinThatDoesNotCoverTheTrainedRangeIsRefusedBeforeTheRunDirectoryExists() throws Exception {
        Path twin = dir.resolve("narrow.yaml");
        Files.writeString(twin, Files.readString(Path.of("rigs/sim-tile4.yaml"))
                .replace("../simulated-rig/", Path.of("simulated-rig").toAbsolutePath() + "/")
                .replace("{name: r_fb,         unit: ohm, min: 2000,", "{name: r_fb,         unit: ohm, min: 2650,"));
        Path config = dir.resolve("twin-narrow.yaml");
        Files.writeString(config, Files.readString(Path.of("rigs/training/sim-tile4-chip1-twin.yaml")).replace("twin: ../sim-tile4.yaml", "twin: narrow.yaml"));
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> create(config));
        assertTrue(e.getMessage().contains("twin: rig sim-tile4: parameter r_fb spans [2650, 6000] ohm; the twin must cover the trained range"
                + " [2000, 6000] ohm in the same unit"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("runs")) || Files.list(dir.resolve("runs")).findAny().isEmpty(), "no run directory is left behind");
    }

    private static List<Map<String, String>> rows(Path runDir) throws Exception {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerFor(Map.class).with(CsvSchema.emptySchema().withHeader())
                .readValues(runDir.resolve("iterations.csv").toFile())) {
            return it.readAll();
        }
    }

    private static long lines(Path runDir) {
        try {
            return Files.exists(runDir.resolve("iterations.csv")) ? Files.readAllLines(runDir.resolve("iterations.csv")).size() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
