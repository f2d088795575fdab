package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.benchmark.WorkerProcess;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.internal.MosquittoBroker;

/** Training on a fleet of two worker processes, one killed mid-batch, ends as a local run does, byte for byte; so does a sweep. */
class FleetTrainTest {

    @TempDir
    Path dir;

    @Test
    void aWorkerKilledMidBatchChangesNothing() throws Exception {
        Path local = train(dir.resolve("local"));
        Map<String, String> users = MosquittoBroker.generatedUsers();
        Path password = dir.resolve("operator-password");
        Files.writeString(password, users.get("operator"));
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"), MosquittoBroker.freePort(), false, users)) {
            BrokerSettings operator = new BrokerSettings(broker.url(), Optional.of("operator"), Optional.empty(), Optional.empty());
            CompletableFuture<WorkerProcess> startA = CompletableFuture.supplyAsync(() -> start(operator, password, "wa"));
            try (WorkerProcess b = start(operator, password, "wb"); WorkerProcess a = startA.join()) {
                CompletableFuture<Path> fleetRun = CompletableFuture.supplyAsync(() -> {
                    try {
                        return train(dir.resolve("fleet"), "--fleet", "--broker", broker.url(),
                                "--user", "operator", "--password-file", password.toString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                int third = a.await(new Nth(3, l -> l.matches("slot 0: chunk [0-9a-f]{12}/\\d+\\.\\d+: \\d+ probes of rig sim-tile4")), 120_000);
                assertTrue(third >= 0, "worker a started a third chunk: " + a.lines());
                a.kill();
                String chunk = a.lines().get(third).replaceAll("slot 0: chunk ([0-9a-f/.]+):.*", "$1");
                assertFalse(fleetRun.isDone(), "the training was still running when worker a died");
                Path fleet = fleetRun.get(180, TimeUnit.SECONDS);
                TrainCommandTest.assertSameArtifacts(local, fleet);
                boolean returned = a.lines().stream().anyMatch(l -> l.contains("chunk " + chunk + ": measured"));
                String again = chunk.replaceAll("\\.\\d+$", "") + ".2: ";
                assertTrue(returned || b.lines().stream().anyMatch(l -> l.contains("chunk " + again)),
                        "the chunk worker a died on (" + chunk + ") was issued again to worker b: " + b.lines());
                assertTrue(b.lines().stream().filter(l -> l.endsWith("returning it")).count() > 3, "worker b did the rest: " + b.lines());
                JsonNode manifest = Json.MAPPER.readTree(fleet.resolve("manifest.json").toFile());
                assertEquals("completed", manifest.get("status").asText());
                assertEquals("fleet", manifest.get("rig_provenance").get("measured_by").asText());
                assertEquals(org.tileloop.rig.spice.Ngspice.locate().version(), manifest.get("rig_provenance").get("simulator_version").asText(),
                        "the workers' ngspice");

                for (String where : List.of("local", "fleet")) {
                    List<String> args = new java.util.ArrayList<>(List.of("sweep", "--rig", "rigs/sim-tile4.yaml", "--grid",
                            "r_fb=2000:6000:3,iin_amp=1.2:1.8:2", "--delays", "5,7", "--out", dir.resolve("sweep-" + where).toString()));
                    if (where.equals("fleet")) {
                        args.addAll(List.of("--fleet", "--broker", broker.url(), "--user", "operator", "--password-file", password.toString()));
                    }
                    CliTest.Run s = CliTest.run(args.toArray(String[]::new));
                    assertEquals(0, s.exit(), s.err());
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(dir.resolve("sweep-local/points.csv")),
                        Files.readAllBytes(dir.resolve("sweep-fleet/points.csv")), "a sweep on the fleet measures what a local one does");
            }
        }
    }

    private static Path train(Path out, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--rig", "rigs/sim-tile4.yaml", "--iterations", "3", "--seed", "1",
                "--runs-dir", out.toString()));
        args.addAll(List.of(extra));
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return out.resolve("latest").toRealPath();
    }

    private static WorkerProcess start(BrokerSettings broker, Path password, String id) {
        try {
            return WorkerProcess.start(Main.class.getName(), broker, password, id, 1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Matches the {@code n}-th line that matches {@code p}. */
    private static final class Nth implements java.util.function.Predicate<String> {
        private final int n;
        private final java.util.function.Predicate<String> p;
        private int seen;

        Nth(int n, java.util.function.Predicate<String> p) {
            this.n = n;
            this.p = p;
        }

        @Override
        public boolean test(String line) {
            return p.test(line) && ++seen == n;
        }
    }

}
