package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.train.Iteration;

/** A run's record on the simulated rig: listeners hear only what is saved, and a pause is recorded as paused. */
class TrainingRunTest {

    @TempDir
    Path dir;

    @Test
    void aPauseRequestIsRecordedAsPausedAndListenersHearEachSavedIterationThenTheStop() throws Exception {
        TrainingRun run = TrainingRun.create(Path.of("rigs/sim-tile4.yaml"), null, 4, 1L, dir, new CalibrationStore(dir.resolve("cal")),
                false, "test", new TrainingRun.Build("test", Optional.empty()));
        List<String> heard = new ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void started(ObjectNode manifest) {
                heard.add("started " + manifest.get("status").asText());
            }

            @Override
            public void iteration(Iteration it) {
                try {
                    long rows = Files.readAllLines(run.runDir().resolve("iterations.csv")).size();
                    assertEquals(it.next().nextIteration(), RunState.load(run.runDir()).orElseThrow().nextIteration(),
                            "state.json is saved before a listener hears of the iteration");
                    heard.add("iteration " + it.index() + " rows " + rows);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void stopped(RunStop stop, ObjectNode manifest) {
                heard.add("stopped " + stop.status().wire() + " " + manifest.get("status").asText());
            }
        };
        TrainingRun.Result r = run.execute(List.of(listener),
                () -> heard.size() >= 3 ? Optional.of(RunStatus.PAUSED) : Optional.empty(), new PrintWriter(new StringWriter()));
        assertEquals(RunStatus.PAUSED, r.stop().status());
        assertEquals(List.of("started running", "iteration 0 rows 2", "iteration 1 rows 3", "stopped paused paused"), heard);
        ObjectNode m = (ObjectNode) new ObjectMapper().readTree(run.runDir().resolve("manifest.json").toFile());
        assertEquals("paused", m.get("status").asText());
        assertTrue(m.get("reason").asText().startsWith("pause requested after iteration 1; continue with: tileloop train --resume "),
                m.get("reason").asText());
        assertEquals(2, Files.readAllLines(run.runDir().resolve("iterations.csv")).size() - 1);
    }

    @Test
    void aManifestNamesItsFilesRelativeToTheRunAndOldAbsoluteManifestsStillResume() throws Exception {
        Path runs = dir.resolve("runs");
        TrainingRun run = TrainingRun.create(Path.of("rigs/sim-tile4.yaml"), null, 3, 1L, runs, new CalibrationStore(dir.resolve("cal")),
                false, "test", new TrainingRun.Build("test", Optional.empty()));
        run.execute(List.of(), () -> Files.exists(run.runDir().resolve("iterations.csv")) && lines(run.runDir()) >= 2
                ? Optional.of(RunStatus.PAUSED) : Optional.empty(), new PrintWriter(new StringWriter()));
        Path manifestFile = run.runDir().resolve("manifest.json");
        String text = Files.readString(manifestFile);
        String checkout = Path.of("").toAbsolutePath().toString();
        assertFalse(text.contains("\"" + checkout) || text.contains(" " + checkout), "no absolute path of the checkout:\n" + text);
        ObjectNode m = (ObjectNode) new ObjectMapper().readTree(text);
        assertEquals(run.runDir().toAbsolutePath().relativize(Path.of("rigs/sim-tile4.yaml").toAbsolutePath()).toString(),
                m.get("rig_file_from_run").asText());
        assertEquals(Path.of("rigs/sim-tile4.yaml").toAbsolutePath(), run.runDir().resolve(m.get("rig_file_from_run").asText()).toAbsolutePath()
                .normalize());
        assertEquals("../../cal", m.get("calibration_dir_from_run").asText());
        m.remove("rig_file_from_run");
        m.remove("calibration_dir_from_run");
        m.put("rig_file_absolute", Path.of("rigs/sim-tile4.yaml").toAbsolutePath().toString());
        m.put("calibration_dir", dir.resolve("cal").toString());
        Files.writeString(manifestFile, new ObjectMapper().writeValueAsString(m));
        TrainingRun.Result resumed = TrainingRun.resume(run.runDir(), runs, "test", new TrainingRun.Build("test", Optional.empty()))
                .execute(List.of(), Optional::empty, new PrintWriter(new StringWriter()));
        assertEquals(RunStatus.COMPLETED, resumed.stop().status());
        assertEquals(4, lines(run.runDir()) - 1, "iterations 0-3 recorded once each");
    }

    private static long lines(Path runDir) {
        try {
            return Files.readAllLines(runDir.resolve("iterations.csv")).size();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
