package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.calibration.CalibrationStore;

/** {@code final_repeats} on the noisy simulated tile: reported in summary.md and the manifest, and the same after a resume. */
class FinalRepeatsRunTest {

    @TempDir
    Path dir;

    private TrainingRun create(Path config, Path runs) throws Exception {
        return TrainingRun.create(Path.of("rigs/sim-tile4-noisy.yaml"), config, null, null, runs, new CalibrationStore(dir.resolve("cal")),
                false, "test", new TrainingRun.Build("test", Optional.empty()));
    }

    @Test
    void theFinalPointIsMeasuredAgainAndAPausedRunResumesToTheSameReport() throws Exception {
        Path config = dir.resolve("noisy-repeats.yaml");
        Files.writeString(config, Files.readString(Path.of("rigs/training/sim-tile4-noisy.yaml")).replaceAll("(?m)^iterations:.*$", "iterations: 2")
                + "\nfinal_repeats: 4\n");
        PrintWriter quiet = new PrintWriter(new StringWriter());
        TrainingRun whole = create(config, dir.resolve("a"));
        assertEquals(RunStatus.COMPLETED, whole.execute(List.of(), Optional::empty, quiet).stop().status());
        TrainingRun part = create(config, dir.resolve("b"));
        RunStatus paused = part.execute(List.of(), () -> Files.exists(part.runDir().resolve(RunState.ITERATIONS))
                && lines(part.runDir()) >= 3 ? Optional.of(RunStatus.PAUSED) : Optional.empty(), quiet).stop().status();
        assertEquals(RunStatus.PAUSED, paused, "paused after iteration 1, before the final row");
        assertEquals(RunStatus.COMPLETED, TrainingRun.resume(part.runDir(), dir.resolve("b"), "test", new TrainingRun.Build("test", Optional.empty()))
                .execute(List.of(), Optional::empty, quiet).stop().status());

        String summary = Files.readString(whole.runDir().resolve("summary.md"));
        assertEquals(summary, Files.readString(part.runDir().resolve("summary.md")));
        assertTrue(summary.contains("Final point measured 4 more times (24 measurements):"), summary);
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(whole.runDir().resolve("manifest.json").toFile());
        JsonNode b = json.readTree(part.runDir().resolve("manifest.json").toFile());
        assertEquals(a.get("final_repeats"), b.get("final_repeats"));
        JsonNode f = a.get("final_repeats");
        assertEquals(4, f.get("repeats").asInt());
        assertEquals(24, f.get("measurements").asInt());
        // 3 iterations of 4 forward-difference points on 3 train traces plus 3 holdout, the final row 6, and the repeats
        assertEquals(15 + 15 + 6 + 24, a.get("measurements").asLong());
        assertEquals(4, f.get("train_loss_ns2").get("count").asInt());
        assertTrue(f.get("train_loss_ns2").get("sd").asDouble() > 0, "10 ps jitter spreads the loss");
        // 24 (trace, channel) pairs, each fired 4 times with a spread of the rig's 10 ps rms jitter
        assertEquals(24, f.get("first_spikes").size());
        double meanSdNs = 0;
        for (JsonNode c : f.get("first_spikes")) {
            assertEquals(4, c.get("first_spike_ns").get("count").asInt());
            assertEquals(c.get("target_ns").asDouble(), c.get("first_spike_ns").get("mean").asDouble(), 0.05);
            meanSdNs += c.get("first_spike_ns").get("sd").asDouble() / 24;
        }
        assertTrue(meanSdNs > 0.006 && meanSdNs < 0.014, "mean sd " + meanSdNs + " ns against 0.010 ns jitter");
    }

    private static long lines(Path runDir) {
        try {
            return Files.readAllLines(runDir.resolve(RunState.ITERATIONS)).size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
