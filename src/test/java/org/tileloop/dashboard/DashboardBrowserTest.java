package org.tileloop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.tileloop.cli.Main;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;
import org.tileloop.telemetry.internal.MosquittoBroker;

/**
 * The dashboard page in headless Chromium against a real mosquitto, a real daemon (a child process with {@code dashboard:}
 * in its config) and a standalone {@code tileloop dashboard} that outlives the daemon when it is killed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOST = "browserhost";
    /** The daemon's MQTT keep-alive (PahoClients); the broker publishes its Will after 1.5 of them without a packet. */
    static final int KEEP_ALIVE_S = 10;
    static final Path SCREENSHOT = Path.of("target", "dashboard-browser", "dashboard.png");
    static final String PWNED = "return window.__pwned === undefined ? null : String(window.__pwned)";

    @TempDir
    static Path dir;

    static MosquittoBroker broker;
    static Map<String, String> users;
    static Process daemon;
    static Process standalone;
    static String daemonUrl;
    static String standaloneUrl;
    static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception {
        browser = new HeadlessChromium();
        users = MosquittoBroker.generatedUsers();
        broker = MosquittoBroker.start(dir.resolve("broker"), MosquittoBroker.freePort(), false, users);
        Path daemonPw = Files.writeString(dir.resolve("daemon-password"), users.get("daemon"));
        Path monitorPw = Files.writeString(dir.resolve("monitor-password"), users.get("monitor"));
        int daemonPort = MosquittoBroker.freePort();
        Path cfg = Files.writeString(dir.resolve("daemon.yaml"), "host: " + HOST + "\nrigs: [" + Path.of("rigs/sim-tile4.yaml").toAbsolutePath()
                + "]\nruns_dir: " + dir.resolve("runs") + "\ncalibration_dir: " + dir.resolve("cal") + "\nstate_dir: " + dir.resolve("state")
                + "\nbroker:\n  url: " + broker.url() + "\n  username: daemon\n  password_file: " + daemonPw
                + "\ndashboard:\n  port: " + daemonPort + "\n  bind: 127.0.0.1\n");
        daemon = java("daemon", "daemon", "--daemon-config", cfg.toString());
        daemonUrl = "http://127.0.0.1:" + daemonPort + "/";
        int standalonePort = MosquittoBroker.freePort();
        standalone = java("dashboard", "dashboard", "--broker", broker.url(), "--user", "monitor", "--password-file", monitorPw.toString(),
                "--port", Integer.toString(standalonePort), "--runs-dir", dir.resolve("runs").toString());
        standaloneUrl = "http://127.0.0.1:" + standalonePort + "/";
        awaitHttp(daemonUrl, daemon, "daemon");
        awaitHttp(standaloneUrl, standalone, "dashboard");
        browser.driver.get(daemonUrl);
        awaitHostStatus("online", 60);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        for (Process p : new Process[] {daemon, standalone}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void hostilePayloadsOnTelemetryTopicsAreShownAsTextAndNeverRun() throws Exception {
        String img = "<img src=x onerror=window.__pwned=1>";
        String script = "<script>window.__pwned=2</script>";
        publish(Topics.stream("evil-host", Topics.rig("evil-rig", Topics.STATE)),
                "{\"rig\":\"evil-rig\",\"state\":\"idle\",\"job\":\"" + script + "\",\"since\":\"2025-01-01T00:00:00Z\"}");
        publish(Topics.stream("evil-host", Topics.rig("evil-rig2", Topics.STATE)),
                "{\"rig\":\"" + img + "\",\"state\":\"idle\",\"job\":\"" + img + "\",\"since\":\"2025-01-01T00:00:00Z\"}");
        publish(Topics.stream("evil-host", Topics.rig(img, Topics.STATE)),
                "{\"rig\":\"" + img + "\",\"state\":\"idle\",\"job\":\"" + script + "\",\"since\":\"2025-01-01T00:00:00Z\"}");
        List<String> cells = browser.await(10, "the rig row evil-host/evil-rig",
                d -> browser.texts("#rigs tr[data-rig='evil-host/evil-rig'] td").isEmpty() ? null
                        : browser.texts("#rigs tr[data-rig='evil-host/evil-rig'] td"));
        assertEquals("evil-host/evil-rig", cells.get(0), cells.toString());
        assertEquals(script, cells.get(2), "the job is shown literally: " + cells);
        List<String> cells2 = browser.await(10, "the rig row evil-host/evil-rig2",
                d -> browser.texts("#rigs tr[data-rig='evil-host/evil-rig2'] td").isEmpty() ? null
                        : browser.texts("#rigs tr[data-rig='evil-host/evil-rig2'] td"));
        assertEquals(img, cells2.get(2));
        Thread.sleep(500);
        String rigs = browser.texts("#rigs").get(0);
        assertTrue(!rigs.contains("evil-host/<img") || rigs.contains("evil-host/" + img), "an odd rig id is dropped or literal: " + rigs);
        assertEquals(0L, browser.js("return document.querySelectorAll('img, body script:not([src]), [onerror]').length"),
                "no element was made from a payload");
        assertNull(browser.js(PWNED), "no payload ran");
    }

    @Test
    @Order(2)
    void aFiveIterationTrainingShowsLiveWithTheRunsNumbersWithinASecond() throws Exception {
        browser.js("window.__updates = []; const seen = {};"
                + "new MutationObserver(() => { for (const s of document.querySelectorAll('#runs section[data-run]')) {"
                + "  const n = s.querySelector('.points-train').textContent, id = s.getAttribute('data-run');"
                + "  if (seen[id] !== n) { seen[id] = n; window.__updates.push({run: id, points: Number(n), t: Date.now()}); } } })"
                + ".observe(document.getElementById('runs'), {subtree: true, childList: true, characterData: true});");
        Map<Integer, Long> receivedMs = new ConcurrentHashMap<>();
        String[] runId = new String[1];
        BrokerSettings monitor = as("monitor");
        try (Telemetry.Subscription sub = Telemetry.subscribe(monitor, "browser-test-latency", Topics.everything(HOST), false, (topic, payload) -> {
            long now = System.currentTimeMillis();
            if (topic.endsWith("/" + Topics.rig("sim-tile4", Topics.ITERATION))) {
                try {
                    JsonNode m = JSON.readTree(payload);
                    runId[0] = m.get("run_id").asText();
                    receivedMs.putIfAbsent(m.get("iteration").asInt(), now);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        })) {
            Thread.sleep(500);
            ObjectNode reply = Telemetry.request(as("operator"), HOST,
                    (ObjectNode) JSON.readTree("{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"train\",\"iterations\":5,\"seed\":1}"), 30);
            assertTrue(reply.get("ok").asBoolean(), reply.toString());
            String run = browser.await(120, "a run section",
                    d -> (String) browser.js("const s = document.querySelector('#runs section[data-run]'); return s ? s.dataset.run : null"));
            String sel = "#runs section[data-run='" + run + "'] ";
            browser.await(240, "4 train points while running", d -> points(sel, "train") >= 4 ? true : null);
            browser.screenshot(SCREENSHOT);
            browser.await(240, "6 train and 6 holdout points", d -> points(sel, "train") == 6 && points(sel, "holdout") == 6 ? true : null);
            assertEquals(run, runId[0], "the page shows the run the daemon streams");

            List<Double> train = new ArrayList<>();
            List<Double> holdout = new ArrayList<>();
            Path csv = dir.resolve("runs").resolve(run).resolve("iterations.csv");
            browser.await(60, "the run's iterations.csv", d -> Files.isRegularFile(csv) ? true : null);
            List<String> lines = Files.readAllLines(csv);
            List<String> header = List.of(lines.get(0).split(","));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                train.add(Double.parseDouble(f[header.indexOf("loss_train_ns2")]));
                holdout.add(Double.parseDouble(f[header.indexOf("loss_holdout_ns2")]));
            }
            assertEquals(6, train.size(), lines.toString());
            List<?> drawn = (List<?>) browser.js("return window.tileloopDashboard.chartData(arguments[0], 'loss')", run);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), drawn.get(0));
            assertEquals(train, csvPrecision(drawn.get(1)), "the train line is iterations.csv's loss_train_ns2");
            assertEquals(holdout, csvPrecision(drawn.get(2)), "the holdout line is iterations.csv's loss_holdout_ns2");
            double latest = Double.parseDouble(browser.texts(sel + ".latest-loss-train").get(0));
            assertEquals(doubles(drawn.get(1)).get(5), latest, "the latest train loss is printed in full");
            assertEquals(train.get(5), csvPrecision(List.of(latest)).get(0));
            browser.await(60, "links to the run's files", d -> browser.texts(sel + ".links a").contains("summary.md") ? true : null);

            List<?> updates = (List<?>) browser.js("return window.__updates.filter(u => u.run === arguments[0])", run);
            long maxMs = 0;
            int k = 0;
            for (Object o : updates) {
                Map<?, ?> u = (Map<?, ?>) o;
                int points = ((Number) u.get("points")).intValue();
                Long received = receivedMs.get(points - 1);
                if (points >= 1 && received != null) {
                    maxMs = Math.max(maxMs, ((Number) u.get("t")).longValue() - received);
                    k++;
                }
            }
            System.out.println("dashboard latency: max " + maxMs + " ms over " + k + " updates");
            assertEquals(6, k, "every iteration reached the page: " + updates + " vs " + receivedMs);
            assertTrue(maxMs < 1000, "updates reach the page within 1 s of the MQTT message: max " + maxMs + " ms");
        }
        assertNull(browser.js(PWNED));
    }

    @Test
    @Order(3)
    void aKilledDaemonTurnsItsHostOfflineAndItsOwnPageSaysDisconnected() throws Exception {
        String daemonTab = browser.driver.getWindowHandle();
        browser.driver.switchTo().newWindow(WindowType.TAB);
        browser.driver.get(standaloneUrl);
        awaitHostStatus("online", 30);
        String standaloneTab = browser.driver.getWindowHandle();
        long killedNs = System.nanoTime();
        daemon.destroyForcibly();
        assertTrue(daemon.waitFor(20, TimeUnit.SECONDS));
        browser.driver.switchTo().window(daemonTab);
        browser.await(10, "the daemon's own page says disconnected",
                d -> d.findElement(By.id("conn")).getText().startsWith("disconnected") ? true : null);
        browser.driver.switchTo().window(standaloneTab);
        int allowedS = KEEP_ALIVE_S * 3 / 2 + 8;
        awaitHostStatus("offline", allowedS);
        System.out.println("dashboard: host offline " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs) + " ms after SIGKILL");
        assertTrue(browser.texts("#conn").get(0).startsWith("connected"));
        assertNull(browser.js(PWNED));
    }

    static int points(String section, String split) {
        List<String> e = browser.texts(section + ".points-" + split);
        return e.isEmpty() || e.get(0).isEmpty() ? -1 : Integer.parseInt(e.get(0));
    }

    static List<Double> doubles(Object list) {
        return ((List<?>) list).stream().map(o -> ((Number) o).doubleValue()).toList();
    }

    /** The values as iterations.csv writes them: 9 significant digits (the page draws the MQTT payload's full doubles). */
    static List<Double> csvPrecision(Object list) {
        return doubles(list).stream().map(v -> new java.math.BigDecimal(v).round(new java.math.MathContext(9)).doubleValue()).toList();
    }

    static void awaitHostStatus(String status, int seconds) {
        browser.await(seconds, "host " + HOST + " " + status, d -> d.findElements(By.cssSelector("#hosts tr[data-host='" + HOST + "'] td.status"))
                .stream().anyMatch(td -> td.getText().equals(status)) ? true : null);
    }

    static BrokerSettings as(String user) {
        return new BrokerSettings(broker.url(), Optional.of(user), Optional.of(users.get(user).toCharArray()), Optional.empty());
    }

    static void publish(String topic, String payload) throws Exception {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-u", "daemon",
                "-P", users.get("daemon"), "-q", "1", "-r", "-t", topic, "-m", payload).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    static Process java(String log, String... args) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log + ".log").toFile()).start();
    }

    static void awaitHttp(String url, Process p, String log) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " did not answer; " + log + " log:\n" + Files.readString(dir.resolve(log + ".log")));
    }
}
