package org.tileloop.fleet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.telemetry.Topics;

/**
 * The requester's chunk table for one job: the current batch cut into chunks, which are pending,
 * which worker holds which (and when it last beat), the asks of idle workers held until there is
 * work, and the workers' statuses. A chunk whose worker died (offline status, a new session) or
 * went quiet is issued again with the next attempt number; the first result for a chunk wins and
 * any later one (another attempt, or the same one delivered twice) is dropped. Every method
 * returns the replies to send. Thread-safe (one lock); no I/O.
 */
final class ChunkTable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkTable.class);

    /** A chunk issued more often than this fails its batch. */
    static final int MAX_ATTEMPTS = 10;

    /** A message to send: to a worker's inbox with the correlation data of its request. */
    record Reply(String topic, byte[] correlation, byte[] payload) {
    }

    private static final class Chunk {
        final long id;
        final int from;
        final int to;
        int attempt;
        Messages.From holder;
        long lastBeatNs;
        String problem = "";

        Chunk(long id, int from, int to, int attempt) {
            this.id = id;
            this.from = from;
            this.to = to;
            this.attempt = attempt;
        }
    }

    private record HeldAsk(Messages.Ask ask, byte[] correlation, long sinceNs) {
    }

    private final String job;
    private final String rigSha256;
    private final String netlistSha256;
    private final RigDescription rig;
    private final FleetSettings settings;
    private final int maxPayloadBytes;
    private final LongSupplier clock;
    private final Deque<Chunk> pending = new ArrayDeque<>();
    private final Map<Long, Chunk> issued = new HashMap<>();
    private final Deque<HeldAsk> held = new ArrayDeque<>();
    private final Map<String, Messages.Status> workers = new LinkedHashMap<>();
    private final java.util.Set<String> deadSessions = new java.util.HashSet<>();
    private Batch batch;
    private long nextChunk;
    private long lastProgressNs;
    private long reissued;
    private long duplicates;
    private boolean warned;

    ChunkTable(String job, String rigSha256, String netlistSha256, RigDescription rig, FleetSettings settings, int maxPayloadBytes,
               LongSupplier clock) {
        this.job = job;
        this.rigSha256 = rigSha256;
        this.netlistSha256 = netlistSha256;
        this.rig = rig;
        this.settings = settings;
        this.maxPayloadBytes = maxPayloadBytes;
        this.clock = clock;
    }

    /**
     * Starts measuring {@code b} (no other batch may be running): cuts it into chunks and serves
     * waiting workers. Chunks shrink towards the end of the batch (each a 1/(2 × slots) share of
     * what is left, at most {@code max_chunk}), so no slot idles long while another finishes.
     */
    synchronized List<Reply> start(Batch b) {
        if (batch != null && !batch.done.isDone()) {
            throw new IllegalStateException("a batch is already running");
        }
        batch = b;
        pending.clear();
        issued.clear();
        int slots = Math.max(1, onlineSlots());
        int n = b.probes.size();
        for (int from = 0; from < n; ) {
            int size = Math.max(1, Math.min(settings.maxChunk(), (n - from + 2 * slots - 1) / (2 * slots)));
            pending.add(new Chunk(nextChunk++, from, from + size, 1));
            from += size;
        }
        lastProgressNs = clock.getAsLong();
        if (b.probes.isEmpty()) {
            b.done.complete(null);
        }
        return serve();
    }

    /** An idle slot asks for work: it gets a chunk now, or its ask is held until there is one. */
    synchronized List<Reply> ask(Messages.Ask a, byte[] correlation) {
        if (!current(a.from())) {
            return List.of();
        }
        held.add(new HeldAsk(a, correlation, clock.getAsLong()));
        return serve();
    }

    synchronized void beat(Messages.Beat b) {
        Chunk c = issued.get(b.chunk());
        if (c != null && b.from().equals(c.holder) && b.attempt() == c.attempt) {
            c.lastBeatNs = clock.getAsLong();
            lastProgressNs = c.lastBeatNs;
        }
    }

    /** A worker's result; the first for its chunk is taken, others are dropped. */
    synchronized List<Reply> result(ChunkCodec.Result r) {
        Chunk c = issued.get(r.chunk());
        if (c == null) {
            duplicates++;
            LOG.debug("fleet job {}: dropped a result for chunk {} attempt {} from {} (already measured or unknown)", job, r.chunk(),
                    r.attempt(), r.from().worker());
            return List.of();
        }
        lastProgressNs = clock.getAsLong();
        if (r.failure().isPresent()) {
            return failed(c, r);
        }
        if (r.results().size() != c.to - c.from) {
            throw new Wire.BadMessage(r.results().size() + " results for a chunk of " + (c.to - c.from) + " probes");
        }
        for (int i = 0; i < r.results().size(); i++) {
            Probe p = batch.probes.get(c.from + i);
            ChunkCodec.RawResult raw = r.results().get(i);
            if (raw.counts().isPresent() != (p.window() == Probe.Window.FULL)) {
                throw new Wire.BadMessage("results[" + i + "]: spike counts " + (raw.counts().isPresent() ? "present" : "missing")
                        + " for a " + p.window().name().toLowerCase(java.util.Locale.ROOT) + " probe");
            }
            raw.result(p.stimulus(), rig, IdentityCalibration.INSTANCE);
        }
        issued.remove(c.id);
        pending.remove(c);
        for (int i = 0; i < r.results().size(); i++) {
            batch.results[c.from + i] = r.results().get(i);
        }
        batch.remaining -= r.results().size();
        if (batch.remaining == 0) {
            batch.done.complete(null);
        }
        return List.of();
    }

    private List<Reply> failed(Chunk c, ChunkCodec.Result r) {
        String from = "worker " + r.from().worker() + ": ";
        switch (r.failure().get()) {
            case MEASUREMENT -> fail(new MeasurementException(r.error()));
            case CONFIGURATION -> fail(new RigConfigurationException(r.error()));
            case UNAVAILABLE -> {
                c.problem = from + r.error();
                LOG.warn("fleet job {}: chunk {}: {}; issuing it again", job, c.id, c.problem);
                requeue(c);
            }
            case TOO_LARGE -> {
                if (c.to - c.from == 1) {
                    fail(new MeasurementException("one measurement's results exceed an MQTT message (" + r.error() + ")"));
                } else {
                    split(c);
                }
            }
        }
        return serve();
    }

    /**
     * A worker's retained status, or its removal ({@code status} empty): the chunks of a worker
     * process that went offline, or was replaced by a new session, are issued again.
     */
    synchronized List<Reply> status(String worker, Optional<Messages.Status> status) {
        boolean online = status.isPresent() && status.get().online();
        String session = status.map(s -> s.from().session()).orElse(null);
        Messages.Status known = workers.get(worker);
        if (online) {
            workers.put(worker, status.get());
        } else {
            if (session != null) {
                deadSessions.add(session);
            }
            if (known != null && (session == null || known.from().session().equals(session))) {
                workers.remove(worker);
            }
        }
        java.util.function.Predicate<Messages.From> gone = f -> f.worker().equals(worker)
                && (online ? !f.session().equals(session) : session == null || f.session().equals(session));
        for (Chunk c : new ArrayList<>(issued.values())) {
            if (c.holder != null && gone.test(c.holder)) {
                c.problem = "worker " + worker + " went offline" + status.map(s -> s.reason().isEmpty() ? "" : " (" + s.reason() + ")").orElse("");
                LOG.info("fleet job {}: chunk {}: {}; issuing it again", job, c.id, c.problem);
                requeue(c);
            }
        }
        held.removeIf(h -> gone.test(h.ask().from()));
        return serve();
    }

    /** Answers asks held too long, issues again chunks whose worker went quiet, and fails a batch nobody works on. */
    synchronized List<Reply> tick() {
        long now = clock.getAsLong();
        List<Reply> out = new ArrayList<>();
        for (Iterator<HeldAsk> it = held.iterator(); it.hasNext(); ) {
            HeldAsk h = it.next();
            if (now - h.sinceNs() > seconds(settings.holdS())) {
                it.remove();
                out.add(none(h));
            }
        }
        for (Chunk c : new ArrayList<>(issued.values())) {
            if (c.holder != null && now - c.lastBeatNs > seconds(settings.beatTimeoutS())) {
                c.problem = "worker " + c.holder.worker() + " sent no beat for " + settings.beatTimeoutS() + " s";
                LOG.info("fleet job {}: chunk {}: {}; issuing it again", job, c.id, c.problem);
                requeue(c);
            }
        }
        if (batch != null && !batch.done.isDone() && !warned && onlineSlots() == 0 && now - lastProgressNs > seconds(5)) {
            warned = true;
            LOG.warn("fleet job {}: no worker online yet; waiting up to {} s (start one: tileloop worker --broker {})", job,
                    (long) settings.workerWaitS(), settings.broker().url());
        }
        if (batch != null && !batch.done.isDone() && now - lastProgressNs > seconds(settings.workerWaitS())) {
            fail(new RigUnavailableException("no fleet worker took or returned work for " + (long) settings.workerWaitS() + " s ("
                    + onlineSlots() + " slots online); start one: tileloop worker --broker " + settings.broker().url()));
        }
        out.addAll(serve());
        return out;
    }

    /** Fails the running batch, if any, and tells every waiting worker there is no work. */
    synchronized List<Reply> close(RuntimeException why) {
        fail(why);
        List<Reply> out = held.stream().map(this::none).toList();
        held.clear();
        return out;
    }

    /** Slots of the workers online now. */
    synchronized int onlineSlots() {
        return workers.values().stream().mapToInt(Messages.Status::capacity).sum();
    }

    /** The simulator versions the online workers reported, sorted and distinct. */
    synchronized List<String> simulatorVersions() {
        return workers.values().stream().map(Messages.Status::ngspiceVersion).distinct().sorted().toList();
    }

    /** Chunks issued again, and results dropped as duplicates, since the start. */
    synchronized long[] counters() {
        return new long[] {reissued, duplicates};
    }

    private List<Reply> serve() {
        List<Reply> out = new ArrayList<>();
        while (!pending.isEmpty() && !held.isEmpty() && batch != null && !batch.done.isDone()) {
            HeldAsk h = held.poll();
            if (!current(h.ask().from())) {
                continue;
            }
            Chunk c = pending.poll();
            ChunkCodec.Assignment a = new ChunkCodec.Assignment(job, c.id, c.attempt, rigSha256, netlistSha256,
                    batch.probes.subList(c.from, c.to), java.util.Arrays.copyOfRange(batch.occurrence, c.from, c.to));
            byte[] payload = a.encode();
            if (payload.length > maxPayloadBytes && c.to - c.from > 1) {
                held.addFirst(h);
                split(c);
                continue;
            }
            c.holder = h.ask().from();
            c.lastBeatNs = clock.getAsLong();
            lastProgressNs = c.lastBeatNs;
            issued.put(c.id, c);
            out.add(new Reply(Topics.Fleet.workerInbox(h.ask().from().worker()), h.correlation(), payload));
        }
        return out;
    }

    /** Whether a message from {@code from} comes from a worker that is not known to be gone. */
    private boolean current(Messages.From from) {
        Messages.Status s = workers.get(from.worker());
        return !deadSessions.contains(from.session()) && (s == null || s.from().session().equals(from.session()));
    }

    private void requeue(Chunk c) {
        if (c.attempt >= MAX_ATTEMPTS) {
            fail(new RigUnavailableException("chunk " + c.id + " was issued " + MAX_ATTEMPTS + " times without a result; last: " + c.problem));
            return;
        }
        c.attempt++;
        c.holder = null;
        reissued++;
        pending.addFirst(c);
    }

    private void split(Chunk c) {
        issued.remove(c.id);
        pending.remove(c);
        int mid = (c.from + c.to) / 2;
        pending.addFirst(new Chunk(nextChunk++, mid, c.to, 1));
        pending.addFirst(new Chunk(nextChunk++, c.from, mid, 1));
    }

    private void fail(RuntimeException why) {
        if (batch != null && !batch.done.isDone()) {
            batch.done.completeExceptionally(why);
            pending.clear();
            issued.clear();
        }
    }

    private Reply none(HeldAsk h) {
        return new Reply(Topics.Fleet.workerInbox(h.ask().from().worker()), h.correlation(), new Messages.NoWork(job, Optional.empty()).encode());
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }
}
