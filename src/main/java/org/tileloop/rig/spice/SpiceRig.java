package org.tileloop.rig.spice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigException;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFileLoader;

/**
 * The simulated tile: each stimulus is one ngspice batch run of the rendered netlist; a batch
 * is spread over {@link SpiceSettings#effectiveWorkers()} processes and returned in order. Every
 * result's window ends at {@code tstop_ns}: a first-spikes transient stops early only once every
 * channel has fired, so a silent channel was watched to the end.
 */
public final class SpiceRig extends org.tileloop.rig.AbstractRig {

    private final RigDescription description;
    private final SpiceSettings settings;
    private final NetlistRenderer renderer;
    private final ResultExtractor extractor;
    private final AtomicLong referenceCount = new AtomicLong();
    private final Ngspice ngspice;
    private final ExecutorService pool;
    private final NgspiceWorkers workers;
    private final SpiceProbes probes;
    /** First-spike runs write only the channel voltages. */
    private final String channelVectors;

    public SpiceRig(RigDescription description, SpiceSettings settings, Calibration calibration, Ngspice ngspice) {
        super(calibration);
        this.description = description;
        this.settings = settings;
        this.renderer = NetlistRenderer.of(description, settings);
        this.extractor = new ResultExtractor(description, settings, renderer);
        this.probes = new SpiceProbes(description, settings);
        this.channelVectors = String.join(" ", description.channels().stream().map(c -> "v(" + c.node() + ")").toList());
        this.ngspice = ngspice;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.effectiveWorkers(), r -> {
            Thread t = new Thread(r, "ngspice-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.workers = new NgspiceWorkers(description.id(), ngspice);
    }

    @Override
    public RigDescription description() {
        return description;
    }

    @Override
    public Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("simulator", "ngspice");
        p.put("simulator_version", ngspice.version());
        p.put("netlist", settings.netlistTemplate().getFileName().toString());
        try {
            p.put("netlist_sha256", RigFileLoader.sha256(Files.readAllBytes(settings.netlistTemplate())));
        } catch (IOException e) {
            throw new RigUnavailableException("cannot read netlist " + settings.netlistTemplate() + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** Without a timing chain the reference edge is reported exactly; with one it passes through the chain model. */
    @Override
    public List<Double> measureReference(double delayNs) {
        return probes.reference(delayNs, referenceCount.incrementAndGet());
    }

    /** Each probe's stop time ends its transient there (or earlier, once every channel has fired). */
    @Override
    public boolean honoursStopTimes() {
        return true;
    }

    /** The exact netlist {@link #measure} simulates for this vector and stimulus (full window). */
    public String netlist(ParameterVector parameters, Stimulus stimulus) {
        return probes.netlist(new Probe(parameters, stimulus));
    }

    /**
     * Spreads the batch over the pool's threads; each thread owns one ngspice worker and keeps two
     * runs queued in it (while Java reads one result, ngspice already simulates the next). A dead
     * or hung worker is replaced and its unfinished runs retried once on the new one. Results are
     * the same as sequential evaluation, in batch order.
     */
    @Override
    public List<StimulusResult> measure(List<Probe> batch) {
        List<String> netlists = probes.netlists(batch);
        return measure(batch, netlists, SpiceProbes.occurrences(netlists));
    }

    /**
     * Measures a chunk of a larger batch: {@code occurrence[i]} is how many probes with the same
     * netlist came before probe {@code i} in the whole batch ({@link SpiceProbes#occurrences}), so
     * the results are those the whole batch would give for these probes.
     */
    public List<StimulusResult> measureChunk(List<Probe> chunk, int[] occurrence) {
        if (occurrence.length != chunk.size()) {
            throw new IllegalArgumentException(occurrence.length + " occurrences for " + chunk.size() + " probes");
        }
        return measure(chunk, probes.netlists(chunk), occurrence.clone());
    }

    private synchronized List<StimulusResult> measure(List<Probe> batch, List<String> netlists, int[] occurrence) {
        StimulusResult[] results = new StimulusResult[batch.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>();
        int threads = Math.min(settings.effectiveWorkers(), batch.size());
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                try {
                    drain(batch, netlists, occurrence, results, next, failed);
                } catch (RuntimeException | IOException e) {
                    failed.set(true);
                    throw e;
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new MeasurementException("interrupted during a batch", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RigException re) {
                throw re;
            }
            throw new MeasurementException("simulation failed: " + e.getCause(), e.getCause());
        }
        return List.of(results);
    }

    private record InFlight(int index, int slot, long id, int attempt) {
    }

    /** One pool thread's share of a batch: takes probes until none are left, two runs queued at a time. */
    private void drain(List<Probe> batch, List<String> netlists, int[] occurrence, StimulusResult[] results,
                       java.util.concurrent.atomic.AtomicInteger next, java.util.concurrent.atomic.AtomicBoolean failed)
            throws IOException {
        Path dir = workers.scratchDir();
        java.util.ArrayDeque<InFlight> inflight = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<int[]> retry = new java.util.ArrayDeque<>();
        MeasurementException error = null;
        NgspiceWorker w = workers.worker();
        while (true) {
            if (inflight.isEmpty() && workers.worn(w)) {
                workers.discard(w);
                w = workers.worker();
            }
            while (inflight.size() < 2 && error == null && !failed.get() && !workers.worn(w)) {
                int[] r = retry.poll();
                int index = r != null ? r[0] : next.getAndIncrement();
                if (index >= batch.size()) {
                    break;
                }
                int slot = inflight.isEmpty() ? 0 : 1 - inflight.peekLast().slot();
                Files.writeString(dir.resolve("tile" + slot + ".cir"), netlists.get(index), StandardCharsets.UTF_8);
                Files.deleteIfExists(dir.resolve("tile" + slot + ".raw"));
                try {
                    Probe probe = batch.get(index);
                    boolean firstSpikes = probe.window() == Probe.Window.FIRST_SPIKES;
                    long id = w.submit(dir.resolve("tile" + slot + ".cir"), dir.resolve("tile" + slot + ".raw"),
                            firstSpikes ? channelVectors : "", renderer.runCommands(probe.stimulus(), firstSpikes, probe.stopNs()), false);
                    inflight.add(new InFlight(index, slot, id, r != null ? r[1] : 1));
                } catch (NgspiceWorker.WorkerFailure f) {
                    retry.addFirst(new int[] {index, r != null ? r[1] : 1});
                    w = replace(w, inflight, retry, f);
                }
            }
            InFlight f = inflight.poll();
            if (f == null) {
                break;
            }
            try {
                w.await(f.id(), settings.timeoutS());
                workers.release(w);
            } catch (NgspiceWorker.WorkerFailure e) {
                inflight.addFirst(f);
                w = replace(w, inflight, retry, e);
                continue;
            } catch (MeasurementException e) {
                error = error == null ? e : error;
                continue;
            }
            Path raw = dir.resolve("tile" + f.slot() + ".raw");
            if (!Files.exists(raw)) {
                error = error == null ? new MeasurementException("ngspice wrote no results for stimulus "
                        + batch.get(f.index()).stimulus().inputDelaysNs()) : error;
                continue;
            }
            try {
                RawFile data = RawFile.parse(Files.readAllBytes(raw));
                Probe probe = batch.get(f.index());
                results[f.index()] = extractor.extract(probe, data, occurrence[f.index()], calibration());
            } catch (IllegalArgumentException e) {
                error = error == null ? new MeasurementException("unreadable ngspice results: " + e.getMessage(), e) : error;
            } catch (MeasurementException e) {
                error = error == null ? e : error;
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /** Replaces a dead worker; its unfinished runs go back for one more attempt, or fail the batch after their second. */
    private NgspiceWorker replace(NgspiceWorker dead, java.util.ArrayDeque<InFlight> inflight, java.util.ArrayDeque<int[]> retry,
                                  NgspiceWorker.WorkerFailure cause) {
        workers.discard(dead);
        List<int[]> again = new ArrayList<>();
        for (InFlight f : inflight) {
            if (f.attempt() >= 2) {
                throw new MeasurementException(cause.getMessage() + " (twice, each time on a fresh ngspice worker)");
            }
            again.add(new int[] {f.index(), f.attempt() + 1});
        }
        for (int[] r : retry) {
            if (r[1] >= 2) {
                throw new MeasurementException(cause.getMessage() + " (twice, each time on a fresh ngspice worker)");
            }
        }
        inflight.clear();
        java.util.ArrayDeque<int[]> rest = new java.util.ArrayDeque<>(retry);
        retry.clear();
        for (int i = again.size() - 1; i >= 0; i--) {
            retry.addFirst(again.get(i));
        }
        rest.forEach(r -> retry.add(new int[] {r[0], r[1] + 1}));
        return workers.worker();
    }

    /** Resident memory of the ngspice workers, kB (for the benchmark). */
    public long workersRssKb() {
        return workers.rssKb();
    }

    @Override
    public void close() {
        workers.refuseNew();
        pool.shutdownNow();
        workers.close();
    }
}
