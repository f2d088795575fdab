package org.tileloop.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;
import org.tileloop.telemetry.internal.MosquittoBroker;

/** A real daemon with {@code dashboard:} in its config, a real mosquitto and a 5-iteration training, watched over HTTP. */
class DaemonDashboardTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOST = "dashhost";

    @TempDir
    Path dir;

    @Test
    void aTrainingRunReachesTheDashboardWithinOneSecondOfEachMessage() throws Exception {
        Map<String, String> users = MosquittoBroker.generatedUsers();
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"), MosquittoBroker.freePort(), false, users)) {
            Files.writeString(dir.resolve("pw"), users.get("daemon"));
            Path cwd = Path.of("").toAbsolutePath();
            Path cfg = dir.resolve("daemon.yaml");
            Files.writeString(cfg, "host: " + HOST + "\nrigs: [" + cwd.resolve("rigs/sim-tile4.yaml") + "]\nruns_dir: runs\n"
                    + "calibration_dir: cal\nstate_dir: state\nbroker:\n  url: " + broker.url() + "\n  username: daemon\n  password_file: pw\n"
                    + "dashboard:\n  port: 0\n");
            Map<Integer, Long> mqttNs = new ConcurrentHashMap<>();
            Map<Integer, Long> sseNs = new ConcurrentHashMap<>();
            Map<Integer, Long> sseAgeMs = new ConcurrentHashMap<>();
            CountDownLatch completed = new CountDownLatch(1);
            BrokerSettings monitor = new BrokerSettings(broker.url(), Optional.of("monitor"), Optional.of(users.get("monitor").toCharArray()),
                    Optional.empty());
            try (Daemon d = new Daemon(DaemonConfig.load(cfg), dir, cwd, new TrainingRun.Build("test", Optional.empty()));
                 Telemetry.Subscription sub = Telemetry.subscribe(monitor, "test-dash-monitor", Topics.everything(HOST), false, (t, p) -> {
                     if (t.endsWith("/iteration")) {
                         long now = System.nanoTime();
                         try {
                             mqttNs.putIfAbsent(JSON.readTree(p).get("iteration").asInt(), now);
                         } catch (java.io.IOException e) {
                             throw new IllegalStateException(e);
                         }
                     }
                 })) {
                URI url = d.dashboardUrl().orElseThrow();
                assertEquals("127.0.0.1", url.getHost());
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<java.util.stream.Stream<String>> events = http.send(HttpRequest.newBuilder(url.resolve("/api/events")).build(),
                        HttpResponse.BodyHandlers.ofLines());
                String[] firstEvent = {null};
                Thread reader = new Thread(() -> {
                    String[] event = {null};
                    try {
                        events.body().forEach(line -> {
                            if (line.startsWith("event: ")) {
                                event[0] = line.substring(7);
                                if (firstEvent[0] == null) {
                                    firstEvent[0] = event[0];
                                }
                            } else if (line.startsWith("data: ") && event[0].equals("run")) {
                                long now = System.nanoTime();
                                JsonNode run;
                                try {
                                    run = JSON.readTree(line.substring(6));
                                } catch (java.io.IOException e) {
                                    throw new IllegalStateException(e);
                                }
                                for (JsonNode it : run.get("iterations")) {
                                    if (sseNs.putIfAbsent(it.get("iteration").asInt(), now) == null) {
                                        sseAgeMs.put(it.get("iteration").asInt(), System.currentTimeMillis() - run.get("mqtt_received_ms").asLong());
                                    }
                                }
                                if (run.get("status").asText().equals("completed")) {
                                    completed.countDown();
                                }
                            }
                        });
                    } catch (java.io.UncheckedIOException e) {
                        // the server stopped
                    }
                });
                reader.setDaemon(true);
                reader.start();
                Thread.sleep(300);
                d.handle("cmd", "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"train\",\"iterations\":5,\"seed\":1}"
                        .getBytes(StandardCharsets.UTF_8));
                assertTrue(completed.await(180, TimeUnit.SECONDS), "the run completed on the event stream; saw iterations " + sseNs.keySet());
                assertEquals("state", firstEvent[0]);

                JsonNode state = JSON.readTree(http.send(HttpRequest.newBuilder(url.resolve("/api/state")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertTrue(state.get("connected").asBoolean());
                assertEquals(0, state.get("dropped").asInt());
                assertEquals("online", state.get("hosts").get(0).get("status").asText());
                JsonNode run = state.get("runs").get(0);
                String runId = run.get("run_id").asText();
                assertEquals(HOST + "/sim-tile4", state.get("rigs").get(0).get("key").asText());
                assertEquals(runId, state.get("rigs").get(0).get("run_id").asText());
                assertEquals(5, run.get("iterations_planned").asInt());
                List<String> csv = Files.readAllLines(dir.resolve("runs").resolve(runId).resolve("iterations.csv"));
                int column = Arrays.asList(csv.get(0).split(",")).indexOf("loss_train_ns2");
                assertEquals(6, csv.size() - 1);
                assertEquals(6, run.get("iterations").size());
                for (int i = 0; i < 6; i++) {
                    double fromCsv = Double.parseDouble(csv.get(i + 1).split(",")[column]);
                    double shown = run.get("iterations").get(i).get("loss_train_ns2").doubleValue();
                    assertEquals(i, run.get("iterations").get(i).get("iteration").asInt());
                    assertEquals(fromCsv, shown, Math.abs(fromCsv) * 1e-8, "iteration " + i + ": CSV " + fromCsv + ", dashboard " + shown);
                }
                assertTrue(run.get("timing").size() > 0 && run.get("timing").get(0).get("iteration").asInt() == 5, run.get("timing").toString());
                assertTrue(run.get("files").toString().contains("iterations.csv"), run.get("files").toString());
                HttpResponse<String> file = http.send(HttpRequest.newBuilder(url.resolve("/runs/" + runId + "/iterations.csv")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(String.join("\n", csv) + "\n", file.body());

                long worstMs = 0;
                for (int i = 0; i < 6; i++) {
                    long ms = TimeUnit.NANOSECONDS.toMillis(sseNs.get(i) - mqttNs.get(i));
                    worstMs = Math.max(worstMs, ms);
                }
                long worstAgeMs = sseAgeMs.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                System.out.println("dashboard latency: MQTT delivery to SSE receipt, worst of 6 iterations " + worstMs
                        + " ms; now - mqtt_received_ms at the client, worst " + worstAgeMs + " ms");
                assertTrue(worstMs < 1000, worstMs + " ms");
                assertTrue(worstAgeMs < 1000, worstAgeMs + " ms");
            }
        }
    }
}
