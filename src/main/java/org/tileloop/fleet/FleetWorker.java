package org.tileloop.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Bus;
import org.tileloop.telemetry.BusMessage;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;

/**
 * A fleet worker: {@code capacity} slots, each one ngspice process, each asking the open jobs for
 * work in turn whenever it is idle (pull: a slow host simply asks less often). It fetches the rig
 * files and netlists it lacks from the job, checks their hashes, measures each chunk with its own
 * simulated rig and returns raw results; while it measures it beats every second. It announces
 * itself like a daemon: a retained {@code online} status and a birth on every connect, the Will as
 * {@code offline}, a death on a clean stop. See README, "Fleet".
 */
public final class FleetWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetWorker.class);
    /** How long a slot waits for the answer to an ask (the requester holds asks for less). */
    static final long ASK_TIMEOUT_MS = 15_000;

    private final String id;
    private final Messages.From from;
    private final int capacity;
    private final String ngspiceVersion;
    private final Bus bus;
    private final SlotRigs rigs;
    private final PrintWriter progress;
    private final Map<String, Messages.Job> jobs = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final JobRequests requests;
    private final AtomicReferenceArray<ChunkCodec.Assignment> current;
    /** Per slot, the chunk received while measuring the current one. */
    private final AtomicReferenceArray<ChunkCodec.Assignment> queued;
    private final java.util.concurrent.ExecutorService prefetch = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fleet-ask");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong chunks = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Object jobsChanged = new Object();
    private volatile boolean running = true;
    private volatile long lastBusyNanos = System.nanoTime();

    private int turn;

    /**
     * Connects and starts the slots; returns at once (the first connect is retried in the background).
     *
     * @param progress one line per chunk started and finished, or null for none
     */
    public FleetWorker(BrokerSettings broker, String id, int capacity, Path cacheDir, Ngspice ngspice, PrintWriter progress)
            throws IOException {
        if (!Topics.Fleet.ID.matcher(id).matches()) {
            throw new RigConfigurationException("--id: '" + org.tileloop.input.StrictInput.printable(id) + "' is not a worker id"
                    + " (1-63 of a-z 0-9 -, a-z or 0-9 first)");
        }
        byte[] s = new byte[8];
        new SecureRandom().nextBytes(s);
        this.id = id;
        this.from = new Messages.From(id, HexFormat.of().formatHex(s));
        this.capacity = capacity;
        this.ngspiceVersion = ngspice.version();
        this.progress = progress;
        this.rigs = new SlotRigs(capacity, new BlobCache(cacheDir), cacheDir, ngspice, this::fetch);
        this.current = new AtomicReferenceArray<>(capacity);
        this.queued = new AtomicReferenceArray<>(capacity);
        Messages.Status lost = new Messages.Status(from, false, capacity, ngspiceVersion, "connection lost");
        this.bus = Telemetry.bus(broker, "tileloop-worker-" + id, Optional.of(new Bus.Will(Topics.Fleet.worker(id, Topics.STATUS),
                lost.encode("status", ""), true)));
        this.requests = new JobRequests(bus, id, from.session());
        bus.subscribe(Topics.Fleet.jobs(), this::onJob);
        bus.subscribe(Topics.Fleet.workerInbox(id), requests::onReply);
        bus.onConnect(() -> {
            String now = Instant.now().toString();
            Messages.Status online = new Messages.Status(from, true, capacity, ngspiceVersion, "");
            bus.publish(Topics.Fleet.worker(id, Topics.STATUS), online.encode("status", now), true);
            bus.publish(Topics.Fleet.worker(id, Topics.BIRTH), online.encode("birth", now), false);
        });
        for (int i = 0; i < capacity; i++) {
            int slot = i;
            Thread t = new Thread(() -> slot(slot), "fleet-slot-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        Thread beats = new Thread(this::beat, "fleet-beats");
        beats.setDaemon(true);
        threads.add(beats);
        threads.forEach(Thread::start);
    }

    public String id() {
        return id;
    }

    /** Waits until connected and subscribed; false after {@code timeoutMs}. */
    public boolean awaitReady(long timeoutMs) {
        return bus.awaitReady(timeoutMs);
    }

    /** How long no job has been open and no chunk measured, ms (0 while there is work). */
    public long idleMs() {
        for (int i = 0; i < capacity; i++) {
            if (current.get(i) != null) {
                return 0;
            }
        }
        return (System.nanoTime() - lastBusyNanos) / 1_000_000;
    }

    /** Chunks measured (results sent) so far. */
    public long chunksMeasured() {
        return chunks.get();
    }

    private void onJob(BusMessage m) {
        Optional<String> job = Topics.Fleet.idIn(m.topic(), "jobs");
        if (job.isEmpty()) {
            return;
        }
        try {
            if (m.payload().length == 0) {
                jobs.remove(job.get());
                requests.jobEnded(job.get());
            } else {
                Messages.Job j = Messages.Job.decode(Wire.parse(m.payload()));
                if (!j.job().equals(job.get())) {
                    throw new Wire.BadMessage("job " + j.job() + " announced on another job's topic");
                }
                jobs.put(j.job(), j);
            }
        } catch (Wire.BadMessage e) {
            LOG.warn("fleet worker {}: rejected a message on {}: {}", id, m.topic(), e.getMessage());
            return;
        }
        synchronized (jobsChanged) {
            jobsChanged.notifyAll();
        }
    }

    private Optional<ObjectNode> fetch(Messages.Job job, String sha256, int part) {
        return requests.send(job.job(), new Messages.BlobRequest(from, sha256, part).encode(), 10_000);
    }

    /** The next open job for a slot to ask, round-robin; waits up to a second for one. */
    private Optional<Messages.Job> nextJob() {
        List<Messages.Job> open = jobs.values().stream().filter(j -> !refused.contains(j.job()))
                .sorted(java.util.Comparator.comparing(Messages.Job::job)).toList();
        if (!open.isEmpty()) {
            lastBusyNanos = System.nanoTime();
        }
        if (open.isEmpty()) {
            synchronized (jobsChanged) {
                try {
                    jobsChanged.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Optional.empty();
        }
        synchronized (this) {
            return Optional.of(open.get(turn++ % open.size()));
        }
    }

    /** A chunk a slot got, and its job. */
    private record Work(Messages.Job job, ChunkCodec.Assignment chunk) {
    }

    /**
     * A slot: measures one chunk while it already asks for the next (so its ngspice never waits
     * for a round trip); a slot holds at most two chunks, and asks again only when it took one.
     */
    private void slot(int slot) {
        Optional<Work> next = Optional.empty();
        while (running) {
            Optional<Work> work = next.isPresent() ? next : ask(slot);
            next = Optional.empty();
            if (work.isEmpty()) {
                continue;
            }
            CompletableFuture<Optional<Work>> ahead = CompletableFuture.supplyAsync(() -> running ? ask(slot) : Optional.<Work>empty(), prefetch);
            measure(slot, work.get().job(), work.get().chunk());
            next = ahead.join();
        }
    }

    /** Asks the next open job for work for {@code slot}; a chunk is counted as queued (it gets beats) from the moment it arrives. */
    private Optional<Work> ask(int slot) {
        Optional<Messages.Job> job = nextJob();
        if (job.isEmpty()) {
            return Optional.empty();
        }
        Optional<ObjectNode> reply = requests.send(job.get().job(), new Messages.Ask(from, slot).encode(), ASK_TIMEOUT_MS);
        if (reply.isEmpty()) {
            sleep(200);
            return Optional.empty();
        }
        try {
            ObjectNode o = reply.get();
            switch (o.get("type").asText()) {
                case "none" -> Messages.NoWork.decode(o);
                case "error" -> LOG.warn("fleet worker {}: job {}: {}", id, job.get().job(), Messages.NoWork.decode(o).error().orElse(""));
                case "chunk" -> {
                    ChunkCodec.Assignment a = ChunkCodec.Assignment.decode(o);
                    Messages.Job j = job.get();
                    if (!a.job().equals(j.job()) || !a.rigSha256().equals(j.rigSha256()) || !a.netlistSha256().equals(j.netlistSha256())) {
                        throw new Wire.BadMessage("chunk " + a.chunk() + " does not belong to job " + j.job() + " as announced");
                    }
                    queued.set(slot, a);
                    return Optional.of(new Work(j, a));
                }
                default -> throw new Wire.BadMessage("unknown type '" + org.tileloop.input.StrictInput.printable(o.get("type").asText()) + "'");
            }
        } catch (Wire.BadMessage e) {
            LOG.warn("fleet worker {}: rejected a reply from job {}: {}", id, job.get().job(), e.getMessage());
        }
        return Optional.empty();
    }

    private void measure(int slot, Messages.Job job, ChunkCodec.Assignment a) {
        String name = job.job() + "/" + a.chunk() + "." + a.attempt();
        say("slot " + slot + ": chunk " + name + ": " + a.probes().size() + " probes of rig " + job.rigId());
        current.set(slot, a);
        queued.compareAndSet(slot, a, null);
        ChunkCodec.Result result;
        try {
            result = rigs.measure(slot, job, a, from, bus.maxPayloadBytes());
        } catch (SlotRigs.Unusable e) {
            refused.add(job.job());
            LOG.warn("fleet worker {}: job {} refused: {}", id, job.job(), e.getMessage());
            result = ChunkCodec.Result.failed(from, a, ChunkCodec.FailureKind.UNAVAILABLE, e.getMessage());
        } finally {
            current.set(slot, null);
        }
        if (!running && result.failure().isPresent()) {
            result = ChunkCodec.Result.failed(from, a, ChunkCodec.FailureKind.UNAVAILABLE, "worker " + id + " is stopping");
        }
        say("slot " + slot + ": chunk " + name + ": " + (result.failure().isPresent() ? result.failure().get().name().toLowerCase(java.util.Locale.ROOT)
                + ": " + result.error() : "measured") + ", returning it");
        bus.publish(Topics.Fleet.jobInbox(job.job()), result.encode(), Optional.empty(),
                (a.chunk() + "/" + a.attempt()).getBytes(StandardCharsets.UTF_8));
        chunks.incrementAndGet();
    }

    private void beat() {
        while (running) {
            sleep(1000);
            for (int i = 0; i < capacity; i++) {
                for (ChunkCodec.Assignment a : new ChunkCodec.Assignment[] {current.get(i), queued.get(i)}) {
                    if (a != null) {
                        bus.publish(Topics.Fleet.jobInbox(a.job()), new Messages.Beat(from, a.chunk(), a.attempt()).encode(), Optional.empty(),
                                new byte[0]);
                    }
                }
            }
        }
    }

    private void say(String line) {
        if (progress != null) {
            synchronized (progress) {
                progress.println(line);
                progress.flush();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops asking for work, lets running chunks finish (up to 10 s), publishes death and the offline status, disconnects. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        synchronized (jobsChanged) {
            jobsChanged.notifyAll();
        }
        requests.stop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        prefetch.shutdownNow();
        String now = Instant.now().toString();
        Messages.Status off = new Messages.Status(from, false, capacity, ngspiceVersion, "shutdown");
        bus.publish(Topics.Fleet.worker(id, Topics.DEATH), off.encode("death", now), false);
        bus.close(Optional.of(new Bus.Will(Topics.Fleet.worker(id, Topics.STATUS), off.encode("status", now), true)));
        rigs.close();
    }
}
