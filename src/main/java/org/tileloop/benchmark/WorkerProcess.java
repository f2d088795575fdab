package org.tileloop.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.tileloop.telemetry.BrokerSettings;

/**
 * A {@code tileloop worker --verbose} child process of this JVM (same Java, same class path), for
 * benchmarks and tests: its output lines are collected as they come, so a caller can wait for a
 * line (the worker is up, a chunk started) and then kill it.
 */
public final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private WorkerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "worker-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts worker {@code id} with {@code capacity} slots on {@code broker} (user and password
     * file when the broker has them) and waits until it says it is up. Its JVM runs as
     * {@code ./tileloop worker} runs one: the quick (C1) compiler only, so compiling leaves the
     * cores to ngspice.
     *
     * @param mainClass the CLI's main class
     */
    public static WorkerProcess start(String mainClass, BrokerSettings broker, Path passwordFile, String id, int capacity)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass,
                "worker", "--broker", broker.url(), "--id", id, "--capacity", Integer.toString(capacity), "--verbose"));
        if (broker.username().isPresent()) {
            cmd.addAll(List.of("--user", broker.username().get(), "--password-file", passwordFile.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TILELOOP_LOG_LEVEL", "WARN");
        WorkerProcess w = new WorkerProcess(pb.start());
        if (w.await(l -> l.startsWith("tileloop worker " + id + ":"), 60_000) < 0) {
            w.close();
            throw new IOException("worker " + id + " did not start within 60 s: " + String.join(" | ", w.lines()));
        }
        return w;
    }

    /** Waits for a line matching {@code p}; its index, or -1 after {@code timeoutMs} or when the process ended. */
    public int await(Predicate<String> p, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (p.test(lines.get(seen))) {
                        return seen;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
                    return -1;
                }
                try {
                    lines.wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
        }
    }

    /** The output so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** SIGKILL: no clean stop, the broker publishes the worker's Will. Waits for the process to end. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM (clean stop), then SIGKILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }
}
