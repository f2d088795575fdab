package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.train.RecordingRig;
import org.tileloop.train.TrainingConfig;
import org.tileloop.train.TrainingConfigBuilder;

class RunRecordTest {

    @TempDir
    Path dir;

    static TrainingConfig config(int iterations) {
        TrainingConfigBuilder b = new TrainingConfigBuilder();
        b.targetMode = "measured_anchor_shift";
        b.anchorShiftNs = List.of(0.3);
        b.iterations = iterations;
        return b.build("test config");
    }

    @Test
    void aRunWhoseCsvColumnsAreAnOlderLayoutIsRefusedOnResume() throws Exception {
        RunRecord.Outcome o = RunRecord.train(new RecordingRig(), config(2), dir, List.of());
        assertTrue(o.completed());
        RunState was = RunState.load(dir).orElseThrow();
        Path csv = dir.resolve(RunState.ITERATIONS);
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.get(0).startsWith("time,iteration,"), lines.get(0));
        String old = lines.get(0).replace("time,", "").replace("_ns2", "") + "\n" + String.join("\n", lines.subList(1, lines.size())) + "\n";
        Files.writeString(csv, old);
        byte[] bytes = old.getBytes(StandardCharsets.UTF_8);
        new RunState(was.nextIteration(), was.unit(), was.measurements(), was.energyReferencePj(), was.trainTargetsNs(),
                was.holdoutTargetsNs(), was.train(), was.holdout(), bytes.length, was.tracesBytes(), was.iterationsRows(), was.tracesRows(),
                HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)), was.tracesSha256(),
                was.optimizerState(), was.bestLoss(), was.sinceBest(), was.stopReason(), was.finalRepeats()).save(dir);
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> RunRecord.train(new RecordingRig(), config(2), dir, List.of()));
        assertEquals(csv + ": its columns are not the ones this tileloop writes (the run was started by another version);"
                + " it cannot be resumed: start a new run", e.getMessage());
    }
}
