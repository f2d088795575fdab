package org.tileloop.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.internal.MosquittoBroker;

/** A daemon's part in the fleet (worker slots, dispatch of simulated jobs) and its bench-rig leases. */
class DaemonFleetTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class Manual extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aLeaseKeepsOthersOffUntilReleasedOrSilent() {
        Manual clock = new Manual();
        Leases leases = new Leases(clock);
        assertEquals(Instant.parse("2026-01-01T00:00:30Z"), leases.acquire("bench", "alice", 30).expires());
        CommandException e = assertThrows(CommandException.class, () -> leases.acquire("bench", "bob", 30));
        assertEquals("rig bench is leased by alice (for 30 s more unless renewed); wait until it is released or expires", e.getMessage());
        assertThrows(CommandException.class, () -> leases.check("bench", Optional.empty()));
        leases.check("bench", Optional.of("alice"));
        clock.now = clock.now.plusSeconds(20);
        leases.acquire("bench", "alice", 30);
        clock.now = clock.now.plusSeconds(29);
        assertThrows(CommandException.class, () -> leases.check("bench", Optional.of("bob")), "renewed: still alice's");
        clock.now = clock.now.plusSeconds(1);
        leases.check("bench", Optional.of("bob"));
        assertEquals("bob", leases.acquire("bench", "bob", 10).owner(), "alice stopped pinging: the lease ended");
        assertFalse(leases.release("bench", "alice"));
        assertTrue(leases.release("bench", "bob"));
        leases.check("bench", Optional.empty());
        assertEquals(Optional.empty(), leases.started("bench", "bob"));
        assertEquals(Optional.empty(), leases.started("bench", "bob"));
        assertEquals(Optional.of("bob"), leases.started("bench", "alice"), "a new user: the daemon says the rig is set up afresh");
    }

    @Test
    void simulatedJobsRunOnTheFleetAndBenchRigsAreLeased() throws Exception {
        Map<String, String> users = MosquittoBroker.generatedUsers();
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"), MosquittoBroker.freePort(), false, users)) {
            Path pw = dir.resolve("daemon-password");
            Files.writeString(pw, users.get("daemon"));
            Path cwd = Path.of("").toAbsolutePath();
            Path cfg = dir.resolve("daemon.yaml");
            Files.writeString(cfg, "host: fleethost\nrigs: [" + cwd.resolve("rigs/sim-tile4.yaml") + ", " + cwd.resolve("rigs/bench-tile4.yaml")
                    + "]\nruns_dir: " + dir.resolve("runs") + "\ncalibration_dir: " + dir.resolve("cal") + "\nstate_dir: " + dir.resolve("state")
                    + "\nbroker:\n  url: " + broker.url() + "\n  username: daemon\n  password_file: " + pw
                    + "\nfleet:\n  worker_slots: 1\n  dispatch: true\n");
            try (Daemon d = new Daemon(DaemonConfig.load(cfg), dir, cwd, new TrainingRun.Build("test", Optional.empty()))) {
                String id = handle(d, "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5,6]}")
                        .get("job").get("id").asText();
                JsonNode job = await(d, id);
                assertEquals("completed", job.get("state").asText(), job.toString());
                List<String> csv = Files.readAllLines(Path.of(job.get("run_dir").asText()).resolve("measurements.csv"));
                assertTrue(csv.get(1).contains("4.5,n0,5.95529"), "n0 at 5.95529 ns as measured locally: " + csv);
                assertTrue(d.fleetChunksMeasured() >= 1, "the daemon's own worker slot measured it, through the broker");

                CommandException simulated = assertThrows(CommandException.class,
                        () -> handle(d, "{\"command\":\"lease\",\"rig\":\"sim-tile4\",\"owner\":\"alice\"}"));
                assertTrue(simulated.getMessage().contains("sim-tile4 is a simulated rig; leases are for bench rigs"), simulated.getMessage());
                JsonNode lease = handle(d, "{\"command\":\"lease\",\"rig\":\"bench-tile4\",\"owner\":\"alice\",\"ttl_s\":60}").get("lease");
                assertEquals("alice", lease.get("owner").asText());
                for (String who : List.of("", ",\"owner\":\"bob\"")) {
                    CommandException e = assertThrows(CommandException.class, () -> handle(d,
                            "{\"command\":\"submit\",\"rig\":\"bench-tile4\",\"kind\":\"measure\",\"delays_ns\":[5]" + who + "}"));
                    assertTrue(e.getMessage().contains("rig bench-tile4 is leased by alice"), e.getMessage());
                }
                assertFalse(handle(d, "{\"command\":\"release\",\"rig\":\"bench-tile4\",\"owner\":\"bob\"}").get("released").asBoolean());
                assertTrue(handle(d, "{\"command\":\"release\",\"rig\":\"bench-tile4\",\"owner\":\"alice\"}").get("released").asBoolean());
                assertTrue(handle(d, "{\"command\":\"submit\",\"rig\":\"bench-tile4\",\"kind\":\"measure\",\"delays_ns\":[5],\"owner\":\"bob\"}")
                        .get("ok").asBoolean());
            }
        }
    }

    private static JsonNode handle(Daemon d, String command) {
        return d.handle("cmd", command.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode await(Daemon d, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonNode job = handle(d, "{\"command\":\"show\",\"job\":\"" + id + "\"}").get("job");
        while (List.of("queued", "running").contains(job.get("state").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            job = handle(d, "{\"command\":\"show\",\"job\":\"" + id + "\"}").get("job");
        }
        return job;
    }
}
