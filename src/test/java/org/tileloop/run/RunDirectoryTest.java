package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir
    Path runs;

    @Test
    void aRunningRunWithNoHolderIsReportedInterruptedWithItsResumeCommand() throws Exception {
        assertEquals(Optional.empty(), TrainingRun.interruptedNotice(runs), "no runs yet");
        RunDirectory d = RunDirectory.create(runs, "20260101T000000Z-0123abcd");
        Files.writeString(d.manifestFile(), "{\"status\": \"running\"}");
        d.pointLatest();
        assertEquals(Optional.empty(), TrainingRun.interruptedNotice(runs), "its holder is alive");
        d.close();
        String notice = TrainingRun.interruptedNotice(runs).orElseThrow();
        assertTrue(notice.contains("run 20260101T000000Z-0123abcd was interrupted"), notice);
        assertTrue(notice.endsWith("tileloop train --resume " + d.path()), notice);
        for (RunStatus s : RunStatus.values()) {
            Files.writeString(d.manifestFile(), "{\"status\": \"" + s.wire() + "\"}");
            assertEquals(s == RunStatus.RUNNING, TrainingRun.interruptedNotice(runs).isPresent(), s.wire());
        }
    }

    @Test
    void theStatusVocabularyIsTheFiveEndsAndRunning() {
        assertEquals("running completed paused aborted failed interrupted",
                String.join(" ", java.util.Arrays.stream(RunStatus.values()).map(RunStatus::wire).toList()));
        for (RunStatus s : RunStatus.values()) {
            assertEquals(Optional.of(s), RunStatus.fromWire(s.wire()));
        }
        assertEquals(Optional.empty(), RunStatus.fromWire("Completed"));
    }
}
