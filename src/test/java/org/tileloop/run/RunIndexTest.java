package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.calibration.CalibrationStore;

/** runs/index.jsonl: a line at every start, stop and resume, with the run's numbers; a torn last line is skipped and survives appends. */
class RunIndexTest {

    @TempDir
    Path dir;

    @Test
    void startStopResumeStopAreIndexedWithTheRunsNumbersAndATornLineIsHarmless() throws Exception {
        Path runs = dir.resolve("runs");
        TrainingRun.Build build = new TrainingRun.Build("test", Optional.empty());
        TrainingRun run = TrainingRun.create(Path.of("rigs/sim-tile4.yaml"), null, 2, 1L, runs, new CalibrationStore(dir.resolve("cal")),
                false, "test", build);
        AtomicInteger polls = new AtomicInteger();
        StringWriter notices = new StringWriter();
        TrainingRun.Result paused = run.execute(List.of(),
                () -> polls.incrementAndGet() > 1 ? Optional.of(RunStatus.PAUSED) : Optional.empty(), new PrintWriter(notices));
        assertEquals(RunStatus.PAUSED, paused.stop().status());
        List<ObjectNode> lines = RunIndex.read(runs);
        assertEquals(List.of("start running", "stop paused"), lines.stream().map(l -> l.get("event").asText() + " " + l.get("status").asText()).toList());
        List<String> rows = Files.readAllLines(paused.runDir().resolve("iterations.csv"));
        ObjectNode stop = lines.get(1);
        assertEquals(rows.size() - 2, stop.get("iterations").asInt());
        assertEquals(Long.parseLong(cell(rows, rows.size() - 1, "measurements")), stop.get("measurements").asLong());
        assertEquals(Double.parseDouble(cell(rows, 1, "loss_train_ns2")), stop.get("loss_train_start_ns2").asDouble());
        assertEquals(Double.parseDouble(cell(rows, rows.size() - 1, "loss_holdout_ns2")), stop.get("loss_holdout_end_ns2").asDouble());
        assertEquals(paused.runDir().getFileName().toString(), stop.get("dir").asText());
        assertEquals("sim-tile4", stop.get("rig").asText());
        assertEquals("forward+gauss_newton", stop.get("method").asText());
        assertEquals("identity", stop.get("calibration_id").asText());
        assertTrue(lines.get(0).get("loss_train_end_ns2").isNull(), "no loss is known at the start");
        assertEquals(lines.get(0).get("started"), stop.get("started"));
        assertTrue(stop.get("time").asText().compareTo(lines.get(0).get("time").asText()) >= 0);

        Files.writeString(runs.resolve(RunIndex.FILE), "{\"time\":\"2026-01-01T00:00:00Z\",\"ev", StandardOpenOption.APPEND);
        assertEquals(2, RunIndex.read(runs).size(), "a torn last line is skipped");
        TrainingRun.Result done = TrainingRun.resume(Path.of(paused.runDir().getFileName().toString()), runs, "test", build)
                .execute(List.of(), Optional::empty, new PrintWriter(notices));
        assertEquals(RunStatus.COMPLETED, done.stop().status());
        assertTrue(!notices.toString().contains(RunIndex.FILE), notices.toString());
        lines = RunIndex.read(runs);
        assertEquals(List.of("start running", "stop paused", "resume running", "stop completed"),
                lines.stream().map(l -> l.get("event").asText() + " " + l.get("status").asText()).toList());
        assertEquals(2, lines.get(3).get("iterations").asInt());
        List<String> raw = Files.readAllLines(runs.resolve(RunIndex.FILE), StandardCharsets.UTF_8);
        assertEquals(5, raw.size(), "the torn fragment keeps a line of its own: " + raw);
        assertTrue(raw.get(2).endsWith("\"ev") && raw.get(3).startsWith("{\"time\""), raw.toString());
    }

    @Test
    void readingARunThisProcessHoldsKeepsItsLockForOtherProcesses() throws Exception {
        Path runs = dir.resolve("runs");
        try (RunDirectory held = RunDirectory.create(runs, "20260101T000000Z-0123abcd")) {
            ObjectNode m = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            m.put("run_id", "20260101T000000Z-0123abcd").put("status", "running").set("config", m.objectNode());
            held.writeManifest(m);
            assertEquals(RunStatus.RUNNING, RunSummary.read(held.path()).status());
            assertTrue(!RunDirectory.interrupted(held.path()));
            assertTrue(RunIndex.record(held.path(), RunIndex.Event.START).isEmpty());
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process other = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), "org.tileloop.cli.Main",
                    "runs", "rm", "20260101T000000Z-0123abcd", "--yes", "--runs-dir", runs.toString()).redirectErrorStream(true).start();
            String out = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, other.waitFor(), out);
            assertTrue(out.contains("is running in a live process; stop it first; nothing was removed"), out);
            assertTrue(Files.isDirectory(held.path()));
        }
    }

    static String cell(List<String> rows, int row, String name) {
        int c = List.of(rows.get(0).split(",", -1)).indexOf(name);
        assertTrue(c >= 0, name + " not in " + rows.get(0));
        return rows.get(row).split(",", -1)[c];
    }
}
