package org.tileloop.rig.spice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigException;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;
import org.tileloop.rig.file.RigFileLoader;

/**
 * The simulated tile: each stimulus is one ngspice batch run of the rendered netlist; a batch
 * is spread over {@link SpiceSettings#effectiveWorkers()} processes and returned in order.
 */
public final class SpiceRig extends org.tileloop.rig.AbstractRig {

    private final RigDescription description;
    private final SpiceSettings settings;
    private final NetlistRenderer renderer;
    private final AtomicLong referenceCount = new AtomicLong();
    private final Ngspice ngspice;
    private final ExecutorService pool;
    private final Path workDir;

    public SpiceRig(RigDescription description, SpiceSettings settings, Calibration calibration, Ngspice ngspice) {
        super(calibration);
        this.description = description;
        this.settings = settings;
        this.renderer = NetlistRenderer.of(description, settings);
        this.mismatchFactors = settings.mismatch().map(Mismatch::factors).orElse(java.util.Map.of());
        this.channelVectors = String.join(" ", description.channels().stream().map(c -> "v(" + c.node() + ")").toList());
        this.ngspice = ngspice;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.effectiveWorkers(), r -> {
            Thread t = new Thread(r, "ngspice-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Path shm = Path.of("/dev/shm");
            this.workDir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "tileloop-spice-") : Files.createTempDirectory("tileloop-spice-");
        } catch (IOException e) {
            throw new RigUnavailableException("cannot create a working directory for ngspice: " + e.getMessage(), e);
        }
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
        p.put("netlist", settings.netlistTemplate().toString());
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
        if (!(delayNs >= 0 && delayNs <= settings.tstopNs())) {
            throw new org.tileloop.rig.RigConfigurationException("rig " + description.id() + ": reference delay "
                    + org.tileloop.rig.Numbers.plain(delayNs) + " ns is outside [0, " + org.tileloop.rig.Numbers.plain(settings.tstopNs()) + "] ns");
        }
        long salt = ~referenceCount.incrementAndGet();
        List<Double> raw = new ArrayList<>();
        for (int c = 0; c < description.channels().size(); c++) {
            int channel = c;
            raw.add(settings.timingChain().map(chain -> chain.raw(channel, delayNs, salt)).orElse(delayNs));
        }
        return raw;
    }



    /** The exact netlist {@link #measure} simulates for this vector and stimulus (full window). */
    public String netlist(ParameterVector parameters, Stimulus stimulus) {
        description.validate(parameters);
        description.validate(stimulus, settings.tstopNs());
        return renderer.render(instance(parameters), stimulus);
    }

    /** This instance's values: the requested ones times the mismatch factors, still inside the safety limits. */
    private ParameterVector instance(ParameterVector v) {
        if (mismatchFactors.isEmpty()) {
            return v;
        }
        ParameterVector m = settings.mismatch().orElseThrow().apply(v, mismatchFactors);
        for (String name : mismatchFactors.keySet()) {
            var spec = description.parameter(name).orElseThrow();
            double x = m.get(name);
            if (!(x >= spec.safetyMin() && x <= spec.safetyMax())) {
                throw new org.tileloop.rig.RigConfigurationException("rig " + description.id() + ": mismatch takes " + name + " to "
                        + org.tileloop.rig.Numbers.plain(x) + ", outside the safety limits [" + org.tileloop.rig.Numbers.plain(spec.safetyMin())
                        + ", " + org.tileloop.rig.Numbers.plain(spec.safetyMax()) + "]");
            }
        }
        return m;
    }

    /**
     * Spreads the batch over the pool's threads; each thread owns one ngspice worker and keeps two
     * runs queued in it (while Java reads one result, ngspice already simulates the next). A dead
     * or hung worker is replaced and its unfinished runs retried once on the new one. Results are
     * the same as sequential evaluation, in batch order.
     */
    @Override
    public synchronized List<StimulusResult> measure(List<Probe> batch) {
        List<String> netlists = new ArrayList<>();
        for (Probe p : batch) {
            description.validate(p.parameters());
            description.validate(p.stimulus(), settings.tstopNs());
            netlists.add(renderer.render(instance(p.parameters()), p.stimulus(), p.window() == Probe.Window.FIRST_SPIKES));
        }
        StimulusResult[] results = new StimulusResult[batch.size()];
        int[] occurrence = new int[batch.size()];
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            occurrence[i] = seen.merge(netlists.get(i), 1, Integer::sum) - 1;
        }
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
        Path dir = scratchDir();
        java.util.ArrayDeque<InFlight> inflight = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<int[]> retry = new java.util.ArrayDeque<>();
        MeasurementException error = null;
        NgspiceWorker w = worker();
        while (true) {
            if (inflight.isEmpty() && worn(w)) {
                discard(w);
                w = worker();
            }
            while (inflight.size() < 2 && error == null && !failed.get() && !worn(w)) {
                int[] r = retry.poll();
                int index = r != null ? r[0] : next.getAndIncrement();
                if (index >= batch.size()) {
                    break;
                }
                int slot = inflight.isEmpty() ? 0 : 1 - inflight.peekLast().slot();
                Files.writeString(dir.resolve("tile" + slot + ".cir"), netlists.get(index), StandardCharsets.UTF_8);
                Files.deleteIfExists(dir.resolve("tile" + slot + ".raw"));
                try {
                    long id = w.submit(dir.resolve("tile" + slot + ".cir"), dir.resolve("tile" + slot + ".raw"),
                            batch.get(index).window() == Probe.Window.FULL ? "" : channelVectors);
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
                release(w);
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
                results[f.index()] = extract(batch.get(f.index()).stimulus(), data, batch.get(f.index()).window() == Probe.Window.FULL,
                        occurrence[f.index()]);
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
        discard(dead);
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
        return worker();
    }

    private final java.util.Map<String, Double> mismatchFactors;
    private final ThreadLocal<Path> scratch = new ThreadLocal<>();
    /** First-spike runs write only the channel voltages. */
    private final String channelVectors;

    private final ThreadLocal<NgspiceWorker> own = new ThreadLocal<>();
    private final List<NgspiceWorker> workers = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    /** The calling pool thread's private scratch directory, where its worker runs and its netlists are written. */
    private Path scratchDir() {
        Path dir = scratch.get();
        if (dir == null) {
            try {
                dir = Files.createTempDirectory(workDir, "worker-");
            } catch (IOException e) {
                throw new RigUnavailableException("cannot create a working directory for ngspice: " + e.getMessage(), e);
            }
            scratch.set(dir);
        }
        return dir;
    }

    /** The calling pool thread's worker, started on first use. */
    private NgspiceWorker worker() {
        NgspiceWorker w = own.get();
        if (w == null) {
            if (closed) {
                throw new MeasurementException("rig " + description.id() + " is closed");
            }
            w = new NgspiceWorker(ngspice, scratchDir());
            workers.add(w);
            own.set(w);
        }
        return w;
    }

    /** Due for replacement: {@link #RECYCLE_RUNS} runs done, or its memory grew by a quarter since run 50. */
    private boolean worn(NgspiceWorker w) {
        if (w.runs() >= RECYCLE_RUNS) {
            return true;
        }
        Long base = baseline.get(w.pid());
        return base != null && w.runs() % 10 == 0 && w.rssKb() > 1.25 * base;
    }

    private final java.util.Map<Long, Long> baseline = new java.util.concurrent.ConcurrentHashMap<>();

    private void release(NgspiceWorker w) {
        if (w.runs() == 50) {
            baseline.put(w.pid(), w.rssKb());
        }
    }

    private void discard(NgspiceWorker w) {
        w.close();
        workers.remove(w);
        baseline.remove(w.pid());
        if (own.get() == w) {
            own.remove();
        }
    }

    /** Runs per worker before it is replaced (ngspice grows slowly even with {@code destroy all}). */
    static final int RECYCLE_RUNS = 1000;

    /** Resident memory of the ngspice workers, kB (for the benchmark). */
    public long workersRssKb() {
        synchronized (workers) {
            return workers.stream().mapToLong(NgspiceWorker::rssKb).sum();
        }
    }

    StimulusResult extract(Stimulus stimulus, RawFile data) {
        return extract(stimulus, data, true, 0);
    }

    /**
     * @param occurrence how many identical probes came earlier in the same batch: repeated
     *                   measurements get independent timing-chain jitter
     */
    StimulusResult extract(Stimulus stimulus, RawFile data, boolean fullWindow, int occurrence) {
        double[] time = data.vector("time");
        if (time.length < 2) {
            throw new MeasurementException("ngspice returned " + time.length + " time points");
        }
        double shift = renderer.shiftNs(stimulus);
        double[] timeNs = new double[time.length];
        for (int i = 0; i < time.length; i++) {
            timeNs[i] = time[i] * 1e9 + shift;
        }
        List<ChannelResult> channels = new ArrayList<>();
        Calibration cal = calibration();
        for (int ci = 0; ci < description.channels().size(); ci++) {
            ChannelSpec c = description.channels().get(ci);
            double[] v = data.vector("v(" + c.node() + ")");
            requireFinite(v, c.node());
            List<Timing> spikes = new ArrayList<>();
            List<Double> crossings = SpikeDetector.crossings(timeNs, v, c.thresholdV(), c.hysteresisV());
            if (!fullWindow && crossings.size() > 1) {
                crossings = crossings.subList(0, 1);
            }
            for (double t : crossings) {
                int channel = ci;
                double raw = settings.timingChain().map(chain -> chain.raw(channel, t,
                        Double.doubleToLongBits(t) ^ (occurrence * 0x9E3779B97F4A7C15L))).orElse(t);
                spikes.add(cal.apply(c.name(), raw));
            }
            channels.add(new ChannelResult(c.name(), spikes));
        }
        if (!fullWindow) {
            return new StimulusResult(stimulus, channels, OptionalDouble.empty(), false);
        }
        double[] vdd = data.vector("v(" + settings.supplyNode() + ")");
        double[] idd = data.vector("i(" + settings.supplySource() + ")");
        double[] power = new double[time.length];
        for (int i = 0; i < time.length; i++) {
            power[i] = -vdd[i] * idd[i];
        }
        double energyPj = SpikeDetector.integrate(time, power) * 1e12;
        if (!Double.isFinite(energyPj)) {
            throw new MeasurementException("supply energy is not finite");
        }
        return new StimulusResult(stimulus, channels, OptionalDouble.of(energyPj));
    }

    private static void requireFinite(double[] v, String node) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new MeasurementException("ngspice returned a non-finite voltage on node " + node);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        synchronized (workers) {
            workers.forEach(NgspiceWorker::close);
            workers.clear();
        }
        deleteTree(workDir);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // temporary files only; nothing to recover
        }
    }
}
