package org.tileloop.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;

/**
 * Soaks a real daemon (a child JVM with its own supervised mosquitto): commands answered per
 * second, the daemon's RSS after {@code n1} and {@code n2} commands, and, over {@code restarts}
 * broker kills during a training, iteration messages lost, duplicated (and whether a duplicate
 * kept its {@code seq}) and seen on a topic that does not fit them.
 */
public final class DaemonBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "soakhost";

    private final PrintWriter out;
    private final String mainClass;

    /** @param mainClass the command-line entry point the daemon is started with, in a child JVM */
    public DaemonBenchmark(PrintWriter out, String mainClass) {
        this.out = out;
        this.mainClass = mainClass;
    }

    /** A message as a subscriber saw it. */
    private record Seen(String topic, JsonNode body) {
    }

    public void run(Path rigFile, Path work, int n1, int n2, int restarts, int iterations) throws IOException, InterruptedException {
        Path cfg = work.resolve("daemon.yaml");
        Files.writeString(cfg, "host: " + HOST + "\nrigs: [" + rigFile.toAbsolutePath() + "]\nruns_dir: runs\ncalibration_dir: cal\nstate_dir: state\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process daemon = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                mainClass, "daemon", "--daemon-config", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("daemon.log").toFile()).start();
        try {
            JsonNode creds = awaitCredentials(work.resolve("state/broker.json"), daemon);
            BrokerSettings operator = settings(creds, "operator");
            out.printf(Locale.ROOT, "daemon pid %d, broker %s, work %s%n", daemon.pid(), creds.get("url").asText(), work);
            commands(operator, daemon, n1, n2);
            restarts(operator, settings(creds, "monitor"), work.resolve("state/broker/mosquitto.pid"), restarts, iterations);
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    private void commands(BrokerSettings operator, Process daemon, int n1, int n2) {
        ObjectNode jobs = JSON.createObjectNode().put("command", "jobs");
        try (Telemetry.RequestClient c = Telemetry.requestClient(operator, HOST, 30)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n1; i++) {
                c.request(jobs, 30);
            }
            double rate = n1 / ((System.nanoTime() - t0) / 1e9);
            long rss1 = rssKb(daemon.pid());
            for (int i = n1; i < n2; i++) {
                c.request(jobs, 30);
            }
            long rss2 = rssKb(daemon.pid());
            out.printf(Locale.ROOT, "commands: %.0f answered/s; daemon RSS %.1f MiB after %d, %.1f MiB after %d commands (%+.1f%%)%n", rate,
                    rss1 / 1024.0, n1, rss2 / 1024.0, n2, 100.0 * (rss2 - rss1) / rss1);
        }
        out.flush();
    }

    private void restarts(BrokerSettings operator, BrokerSettings monitor, Path pidFile, int restarts, int iterations)
            throws IOException, InterruptedException {
        List<Seen> seen = new ArrayList<>();
        try (Telemetry.Subscription s = Telemetry.subscribe(monitor, "tileloop-soak-monitor", Topics.everything(HOST), true,
                (topic, payload) -> {
                    synchronized (seen) {
                        try {
                            seen.add(new Seen(topic, JSON.readTree(payload)));
                        } catch (IOException e) {
                            seen.add(new Seen(topic, JSON.createObjectNode()));
                        }
                        seen.notifyAll();
                    }
                })) {
            Thread.sleep(1000);
            ObjectNode submit = JSON.createObjectNode().put("command", "submit").put("rig", "sim-tile4").put("iterations", iterations).put("seed", 1);
            String job = Telemetry.request(operator, HOST, submit, 30).path("job").path("id").asText();
            for (int r = 1; r <= restarts; r++) {
                int at = r * iterations / (restarts + 1);
                await(seen, l -> iterationsOf(l, job).stream().anyMatch(k -> k >= at), 300);
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                out.printf(Locale.ROOT, "broker restart %d at iteration %d (mosquitto pid %d stopped; the daemon restarts it)%n", r, at, pid);
                out.flush();
            }
            await(seen, l -> l.stream().anyMatch(m -> m.topic().endsWith("/run") && m.body().path("event").asText().equals("stop")
                    && m.body().path("job").asText().equals(job)), 600);
            Thread.sleep(2000);
            report(seen, job, iterations, restarts);
        }
    }

    private void report(List<Seen> seen, String job, int iterations, int restarts) {
        List<Seen> copy;
        synchronized (seen) {
            copy = List.copyOf(seen);
        }
        Map<Integer, List<Long>> seqByIteration = new HashMap<>();
        int misrouted = 0;
        for (Seen m : copy) {
            if (!fits(m)) {
                misrouted++;
                out.println("misrouted: " + m.topic() + " " + m.body());
            }
            if (m.topic().endsWith("/iteration") && m.body().path("job").asText().equals(job)) {
                seqByIteration.computeIfAbsent(m.body().path("iteration").asInt(), k -> new ArrayList<>()).add(m.body().path("seq").asLong());
            }
        }
        int lost = 0;
        int duplicates = 0;
        int duplicatesWithNewSeq = 0;
        for (int k = 0; k <= iterations; k++) {
            List<Long> seqs = seqByIteration.getOrDefault(k, List.of());
            lost += seqs.isEmpty() ? 1 : 0;
            duplicates += Math.max(0, seqs.size() - 1);
            duplicatesWithNewSeq += seqs.stream().distinct().count() > 1 ? 1 : 0;
        }
        out.printf(Locale.ROOT, "%d broker restarts during a %d-iteration training: %d iteration messages lost, %d duplicated (%d with a"
                + " changed seq), %d messages on a topic that does not fit them%n", restarts, iterations, lost, duplicates, duplicatesWithNewSeq,
                misrouted);
        out.flush();
    }

    /** Whether a message's payload is what its topic carries. */
    private static boolean fits(Seen m) {
        JsonNode b = m.body();
        String t = m.topic();
        if (t.contains("/reply/")) {
            return b.has("ok");
        }
        if (t.endsWith("/cmd")) {
            return b.has("command");
        }
        return switch (t.substring(t.lastIndexOf('/') + 1)) {
            case "status" -> b.has("status") && b.has("session");
            case "birth" -> b.has("rigs");
            case "death" -> b.has("reason");
            case "state" -> b.has("state") && !b.has("ok");
            case "iteration" -> b.has("loss_train_ns2");
            case "timing" -> b.has("channels");
            case "run" -> b.has("event");
            default -> false;
        };
    }

    private static List<Integer> iterationsOf(List<Seen> l, String job) {
        return l.stream().filter(m -> m.topic().endsWith("/iteration") && m.body().path("job").asText().equals(job))
                .map(m -> m.body().path("iteration").asInt()).toList();
    }

    private static void await(List<Seen> seen, java.util.function.Predicate<List<Seen>> done, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (seen) {
            while (!done.test(seen)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new RigUnavailableException("the soak did not progress within " + seconds + " s");
                }
                seen.wait(left);
            }
        }
    }

    private static JsonNode awaitCredentials(Path f, Process daemon) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(f)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new RigUnavailableException("the soak's daemon did not come up (see its daemon.log)");
            }
            Thread.sleep(50);
        }
        return JSON.readTree(f.toFile());
    }

    private static BrokerSettings settings(JsonNode creds, String role) {
        return new BrokerSettings(creds.get("url").asText(), Optional.of(role), Optional.of(creds.get(role + "_password").asText().toCharArray()),
                Optional.empty());
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
