package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.daemon.Daemon;
import org.tileloop.daemon.DaemonConfig;
import org.tileloop.run.TrainingRun;

/** The daemon's client commands take the rig as an id or a file and print JSON with --json, against a real daemon and mosquitto. */
class DaemonCliTest {

    @TempDir
    Path dir;

    @Test
    void submitTakesTheRigBothWaysAndJobsPrintJson() throws Exception {
        Path cfg = dir.resolve("daemon.yaml");
        Files.writeString(cfg, "host: clihost\nrigs: [" + Path.of("rigs/sim-tile4.yaml").toAbsolutePath() + "]\nruns_dir: runs\n"
                + "calibration_dir: cal\nstate_dir: state\n");
        String state = dir.resolve("state").toString();
        try (Daemon d = new Daemon(DaemonConfig.load(cfg), dir, Path.of("").toAbsolutePath(), new TrainingRun.Build("test", Optional.empty()))) {
            CliTest.Run byId = CliTest.run("submit", "--rig", "sim-tile4", "--kind", "measure", "--delays", "4.5", "--state-dir", state);
            assertEquals(0, byId.exit(), byId.err());
            assertEquals("queued j1 on sim-tile4", byId.out().strip());
            CliTest.Run byFile = CliTest.run("submit", "--rig", "rigs/sim-tile4.yaml", "--kind", "measure", "--delays", "5.5",
                    "--state-dir", state, "--json");
            assertEquals(0, byFile.exit(), byFile.err());
            JsonNode queued = Json.MAPPER.readTree(byFile.out());
            assertEquals("j2", queued.get("job").get("id").asText());
            assertEquals("sim-tile4", queued.get("job").get("rig").asText());
            CliTest.Run old = CliTest.run("submit", "sim-tile4", "--kind", "measure", "--delays", "6.5", "--state-dir", state);
            assertEquals(0, old.exit(), old.err());
            assertTrue(old.err().contains("warning: the positional RIG is deprecated"), old.err());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            JsonNode jobs;
            do {
                Thread.sleep(200);
                CliTest.Run list = CliTest.run("jobs", "--state-dir", state, "--json");
                assertEquals(0, list.exit(), list.err());
                jobs = Json.MAPPER.readTree(list.out()).get("jobs");
            } while (!(jobs.size() == 3 && jobs.findValuesAsText("state").stream().allMatch("completed"::equals)) && System.nanoTime() < deadline);
            assertEquals(3, jobs.size(), jobs.toString());
            assertEquals(java.util.List.of("completed", "completed", "completed"), jobs.findValuesAsText("state"));
            CliTest.Run show = CliTest.run("jobs", "show", "j2", "--state-dir", state, "--json");
            assertEquals(0, show.exit(), show.err());
            JsonNode j2 = Json.MAPPER.readTree(show.out()).get("job");
            assertEquals(5.5, j2.get("result").get("measurements").get(0).get("delay_ns").asDouble(), j2.toString());
            CliTest.Run unknown = CliTest.run("submit", "--rig", "sim-tile9", "--state-dir", state);
            assertEquals(2, unknown.exit());
            assertEquals("error: the daemon refused: tileloop/v1/clihost/cmd: rig: 'sim-tile9' is not a rig of host clihost (has [sim-tile4])", unknown.err().strip());
        }
    }
}
