package org.tileloop.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Telemetry;

/** A daemon with its own mosquitto restarts it when it dies. */
class DaemonSupervisionTest {

    @TempDir
    Path dir;

    @Test
    void aKilledLocalBrokerIsRestartedAndCommandsAreAnsweredAgain() throws Exception {
        Path cfg = dir.resolve("daemon.yaml");
        Files.writeString(cfg, "host: superhost\nrigs: [" + Path.of("rigs/sim-tile4.yaml").toAbsolutePath() + "]\nruns_dir: runs\n"
                + "calibration_dir: cal\nstate_dir: state\n");
        try (Daemon d = new Daemon(DaemonConfig.load(cfg), dir, Path.of("").toAbsolutePath(), new TrainingRun.Build("test", Optional.empty()))) {
            JsonNode creds = new ObjectMapper().readTree(dir.resolve("state/broker.json").toFile());
            BrokerSettings operator = new BrokerSettings(creds.get("url").asText(), Optional.of("operator"),
                    Optional.of(creds.get("operator_password").asText().toCharArray()), Optional.empty());
            ObjectNode jobs = new ObjectMapper().createObjectNode().put("command", "jobs");
            assertTrue(Telemetry.request(operator, "superhost", jobs, 20).get("ok").asBoolean());
            Path pidFile = dir.resolve("state/broker/mosquitto.pid");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (Long.parseLong(Files.readString(pidFile).strip()) == pid && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertNotEquals(pid, Long.parseLong(Files.readString(pidFile).strip()), "a new mosquitto was started");
            ObjectNode reply = null;
            while (reply == null) {
                try {
                    reply = Telemetry.request(operator, "superhost", jobs, 30);
                } catch (org.tileloop.rig.RigUnavailableException e) {
                    assertTrue(System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(30), "no answer after the restart: " + e.getMessage());
                    Thread.sleep(200);
                }
            }
            assertTrue(reply.get("ok").asBoolean(), reply.toString());
            assertEquals(0, reply.get("jobs").size());
        }
    }
}
