package org.tileloop.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.telemetry.Bus;
import org.tileloop.telemetry.BusMessage;
import org.tileloop.telemetry.Topics;

/**
 * A worker's requests to jobs (asks, blob requests) and their replies on its inbox, matched by
 * correlation data ({@code <session>-<n>}); a reply nobody waits for (late, repeated) is dropped.
 * Thread-safe; {@link #onReply} runs on the bus's callback thread.
 */
final class JobRequests {

    private static final Logger LOG = LoggerFactory.getLogger(JobRequests.class);

    private record Waiting(String job, CompletableFuture<ObjectNode> reply) {
    }

    private final Bus bus;
    private final String worker;
    private final String session;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean stopped;

    JobRequests(Bus bus, String worker, String session) {
        this.bus = bus;
        this.worker = worker;
        this.session = session;
    }

    void onReply(BusMessage m) {
        Waiting w = waiting.remove(new String(m.correlation(), StandardCharsets.UTF_8));
        try {
            ObjectNode o = Wire.parse(m.payload());
            if (w == null) {
                LOG.debug("fleet worker {}: a reply nobody waits for (late or repeated)", worker);
                return;
            }
            w.reply().complete(o);
        } catch (Wire.BadMessage e) {
            LOG.warn("fleet worker {}: rejected a message on {}: {}", worker, m.topic(), e.getMessage());
            if (w != null) {
                w.reply().completeExceptionally(e);
            }
        }
    }

    /** Sends a request to {@code job}'s inbox and waits for the reply; empty when none came in time, the job ended or we are not connected. */
    Optional<ObjectNode> send(String job, byte[] payload, long timeoutMs) {
        if (stopped) {
            return Optional.empty();
        }
        String correlation = session + "-" + sent.incrementAndGet();
        CompletableFuture<ObjectNode> f = new CompletableFuture<>();
        waiting.put(correlation, new Waiting(job, f));
        try {
            if (!bus.publish(Topics.Fleet.jobInbox(job), payload, Optional.of(Topics.Fleet.workerInbox(worker)),
                    correlation.getBytes(StandardCharsets.UTF_8))) {
                return Optional.empty();
            }
            return Optional.of(f.get(timeoutMs, TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            waiting.remove(correlation);
        }
    }

    /** Gives up every request to {@code job} (its announcement was cleared). */
    void jobEnded(String job) {
        waiting.values().stream().filter(w -> w.job().equals(job)).forEach(w -> w.reply().completeExceptionally(new IllegalStateException("job ended")));
    }

    /** Gives up every request, now and later. */
    void stop() {
        stopped = true;
        waiting.values().forEach(w -> w.reply().completeExceptionally(new IllegalStateException("stopping")));
    }
}
