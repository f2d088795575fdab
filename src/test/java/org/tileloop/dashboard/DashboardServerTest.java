package org.tileloop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP side against a real server on a free loopback port, fed messages directly. */
class DashboardServerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "s3cret-token-of-24-chars";

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();
    DashboardServer server;
    DashboardState state;

    DashboardServer start(Optional<String> token, long keepAliveMs, long maxQueuedBytes) {
        state = new DashboardState(Optional.of(dir.resolve("runs")));
        server = new DashboardServer(state, new InetSocketAddress("127.0.0.1", 0), token, Optional.of(dir.resolve("runs")),
                keepAliveMs, maxQueuedBytes);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.url().getPort() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void iteration(DashboardState s, String rig, String runId, int index, double lossNs2, String job) {
        String p = "{\"job\":\"" + job + "\",\"run_id\":\"" + runId + "\",\"time\":\"2026-01-01T00:00:0" + index + "Z\",\"iteration\":" + index
                + ",\"iterations\":5,\"measurements\":48,\"loss_train_ns2\":" + lossNs2 + ",\"loss_holdout_ns2\":null,"
                + "\"terms_train\":{\"timing\":" + lossNs2 + "},\"terms_holdout\":null,\"parameters\":{\"r_fb\":3000.5},\"calibration_id\":\"identity\"}";
        s.accept("tileloop/v1/h1/rig/" + rig + "/iteration", p.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
    }

    @Test
    void stateIsJsonWithSecurityHeaders() throws Exception {
        start(Optional.empty(), 15_000, 1 << 20);
        iteration(state, "sim-tile4", "r1", 0, 0.094194558, "j1");
        HttpResponse<String> r = get("/api/state");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
                r.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        JsonNode s = JSON.readTree(r.body());
        assertEquals(List.of("connected", "dropped", "hosts", "rigs", "runs", "mqtt_received_ms"), names(s));
        JsonNode run = s.get("runs").get(0);
        assertEquals("r1", run.get("run_id").asText());
        assertEquals(5, run.get("iterations_planned").asInt());
        assertEquals(0.094194558, run.get("iterations").get(0).get("loss_train_ns2").doubleValue());
        assertTrue(run.get("iterations").get(0).get("loss_holdout_ns2").isNull());
        assertEquals("h1/sim-tile4", s.get("rigs").get(0).get("key").asText());
        assertEquals("r1", s.get("rigs").get(0).get("run_id").asText());
        assertEquals(404, get("/api/nothing").statusCode());
        assertEquals(405, http.send(HttpRequest.newBuilder(server.url().resolve("/api/state")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    static List<String> names(JsonNode n) {
        List<String> l = new ArrayList<>();
        n.fieldNames().forEachRemaining(l::add);
        return l;
    }

    /** Reads an event stream on its own thread: each event as "name data" or ": keep-alive". */
    static BlockingQueue<String> events(HttpClient http, URI uri) throws Exception {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        Thread t = new Thread(() -> {
            String[] event = {null};
            try {
                r.body().forEach(line -> {
                if (line.startsWith(":")) {
                    q.add(line);
                } else if (line.startsWith("event: ")) {
                    event[0] = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    q.add(event[0] + " " + line.substring(6));
                }
                });
            } catch (java.io.UncheckedIOException e) {
                q.add("closed");
            }
        });
        t.setDaemon(true);
        t.start();
        return q;
    }

    @Test
    void eventStreamStartsWithStateThenOneEventPerChangeAndKeepsAlive() throws Exception {
        start(Optional.empty(), 300, 1 << 20);
        iteration(state, "sim-tile4", "r1", 0, 0.5, "j1");
        BlockingQueue<String> q = events(http, server.url().resolve("/api/events"));
        String first = q.poll(5, TimeUnit.SECONDS);
        assertTrue(first.startsWith("state {"), first);
        assertEquals(1, JSON.readTree(first.substring(6)).get("runs").size());
        iteration(state, "sim-tile4", "r1", 1, 0.25, "j1");
        String run = q.poll(5, TimeUnit.SECONDS);
        assertTrue(run.startsWith("run {"), run);
        JsonNode r = JSON.readTree(run.substring(4));
        assertEquals(2, r.get("iterations").size());
        assertEquals(0.25, r.get("iterations").get(1).get("loss_train_ns2").doubleValue());
        assertTrue(System.currentTimeMillis() - r.get("mqtt_received_ms").asLong() < 5_000);
        assertTrue(q.poll(5, TimeUnit.SECONDS).startsWith("rig {"));
        assertEquals(": keep-alive", q.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aTokenServerRefusesDataWithoutTheToken() throws Exception {
        start(Optional.of(TOKEN), 15_000, 1 << 20);
        assertEquals(401, get("/api/state").statusCode());
        assertEquals(401, get("/api/events").statusCode());
        assertEquals(401, get("/api/state?token=wrong-token-of-24-chars").statusCode());
        assertEquals(401, get("/api/state", "Authorization", "Bearer " + TOKEN + "x").statusCode());
        assertEquals(401, get("/runs/r1/summary.md").statusCode());
        assertEquals(200, get("/api/state", "Authorization", "Bearer " + TOKEN).statusCode());
        assertEquals(200, get("/api/state?token=" + TOKEN).statusCode());
        assertEquals(200, get("/").statusCode(), "the page itself carries no data");
        assertTrue(get("/").body().contains("tileloop dashboard"));
        assertEquals("http://127.0.0.1:" + server.url().getPort() + "/", server.url().toString());
    }

    @Test
    void filesOutsideTheAllowListAreNotServed() throws Exception {
        start(Optional.empty(), 15_000, 1 << 20);
        Path run = Files.createDirectories(dir.resolve("runs/20260101T000000Z-abc"));
        Files.writeString(run.resolve("summary.md"), "# run\n");
        Files.writeString(run.resolve("manifest.json"), "{}");
        Files.writeString(dir.resolve("secret.md"), "secret");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("summary.md"), "secret");
        Files.createSymbolicLink(dir.resolve("runs/evil"), outside);
        HttpResponse<String> ok = get("/runs/20260101T000000Z-abc/summary.md");
        assertEquals(200, ok.statusCode());
        assertEquals("# run\n", ok.body());
        assertEquals("text/plain; charset=utf-8", ok.headers().firstValue("Content-Type").orElseThrow());
        for (String path : List.of("/runs/20260101T000000Z-abc/manifest.json", "/runs/evil/summary.md", "/runs/../secret.md",
                "/runs/..%2fsecret.md/summary.md", "/runs/%2e%2e/summary.md", "/runs/../runs/20260101T000000Z-abc/summary.md",
                "/static/../../pom.xml", "/static/%2e%2e/logback.xml", "/static/.%2e/logback.xml", "/static/vendor/..%2f..%2flogback.xml",
                "/static/", "/static/placeholder", "/static/../dashboard/placeholder.html", "/runs/20260101T000000Z-abc/summary.md/x")) {
            HttpResponse<String> r = get(path);
            assertTrue(r.statusCode() == 404 || r.statusCode() == 400, path + " gave " + r.statusCode());
            assertTrue(!r.body().contains("secret") && !r.body().contains("<configuration"), path);
        }
        HttpResponse<String> page = get("/static/placeholder.html");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void hostileIdsAreDroppedAndHtmlPassesAsJsonText() throws Exception {
        start(Optional.empty(), 15_000, 1 << 20);
        iteration(state, "Sim<b>", "r1", 0, 0.5, "j1");
        iteration(state, "sim-tile4", "../../etc", 0, 0.5, "j1");
        iteration(state, "sim-tile4", "r2", 0, 0.5, "<img src=x onerror=alert(1)>");
        state.accept("tileloop/v1/Evil Host/status", "{\"status\":\"online\"}".getBytes(StandardCharsets.UTF_8), 1);
        state.accept("tileloop/v1/h1/status", "{\"status\":".getBytes(StandardCharsets.UTF_8), 1);
        JsonNode s = JSON.readTree(get("/api/state").body());
        assertEquals(4, s.get("dropped").asInt());
        assertEquals(1, s.get("runs").size());
        assertEquals("<img src=x onerror=alert(1)>", s.get("runs").get(0).get("job").textValue());
        assertTrue(get("/api/state").body().contains("\"job\":\"<img src=x onerror=alert(1)>\""));
        assertEquals(0, s.get("hosts").size());
    }

    @Test
    void aClientThatDoesNotReadIsDroppedWhileOthersKeepUp() throws Exception {
        start(Optional.empty(), 15_000, 256 << 10);
        BlockingQueue<String> fast = events(http, server.url().resolve("/api/events"));
        assertTrue(fast.poll(5, TimeUnit.SECONDS).startsWith("state"));
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", server.url().getPort()));
            slow.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            long startNs = System.nanoTime();
            for (int i = 0; i < 400; i++) {
                iteration(state, "sim-tile4", "r1", i, 1.0 / (i + 1), "j1");
                long sent = System.nanoTime();
                String run = fast.poll(5, TimeUnit.SECONDS);
                assertTrue(run != null && run.startsWith("run "), "iteration " + i + ": " + run);
                assertTrue(System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(1), "the fast client waited");
                assertTrue(fast.poll(5, TimeUnit.SECONDS).startsWith("rig "));
            }
            assertEquals(1, server.droppedStreams(), "the slow client fell " + (256 << 10) + " bytes behind and was dropped");
            assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(60));
        }
    }
}
