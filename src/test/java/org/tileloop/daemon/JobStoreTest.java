package org.tileloop.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.run.RunStatus;

class JobStoreTest {

    @TempDir
    Path dir;

    @Test
    void theLastRecordOfEachJobWinsATornLastLineIsDroppedAndIdsSurvive() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (JobStore store = new JobStore(dir)) {
            Job a = new Job("j1", "sim-tile4", "train", json.createObjectNode());
            store.append(a.toJson(json));
            a.start();
            store.append(a.toJson(json));
            Job b = new Job("j2", "sim-tile4", "measure", json.createObjectNode());
            store.append(b.toJson(json));
        }
        Files.writeString(dir.resolve(JobStore.FILE), "{\"id\":\"j2\",\"rig\":\"sim-t", java.nio.file.StandardOpenOption.APPEND);
        try (JobStore store = new JobStore(dir)) {
            List<Job> jobs = store.load().stream().map(Job::restore).toList();
            assertEquals(List.of("j1", "j2"), jobs.stream().map(j -> j.id).toList());
            assertTrue(jobs.get(0).is(RunStatus.RUNNING));
            assertTrue(jobs.get(1).queued());
            store.rewrite(jobs.stream().map(j -> j.toJson(json)).toList());
            assertEquals(2, Files.readAllLines(dir.resolve(JobStore.FILE)).size(), "rewritten with one line per job");
        }
    }

    @Test
    void aDamagedLineInTheMiddleIsAnErrorNamingTheFileAndLine() throws Exception {
        Files.writeString(dir.resolve(JobStore.FILE), "{\"id\":\"j1\",\"rig\":\"r\",\"kind\":\"train\",\"state\":\"queued\",\"spec\":{}}\n"
                + "{\"id\":\"x\"}\n{\"id\":\"j2\",\"rig\":\"r\",\"kind\":\"train\",\"state\":\"queued\",\"spec\":{}}\n");
        try (JobStore store = new JobStore(dir)) {
            RigConfigurationException e = assertThrows(RigConfigurationException.class, store::load);
            assertEquals(dir.resolve(JobStore.FILE) + ": line 2: not a job record (id, rig, kind, state, spec)", e.getMessage());
        }
    }
}
