package org.tileloop.rig.spice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigException;
import org.tileloop.rig.Stimulus;

/**
 * Runs the same first-spike probes under different {@link StepControl} settings and compares their
 * first spikes with those of {@link StepControl#REFERENCE}: what {@code tileloop rig tune-step} and
 * {@code bench sim} report. Spike times are raw simulator times (no timing chain, no calibration);
 * the rig's mismatch, if any, applies. Each setting's cost is the Newton iterations and timepoints
 * ngspice reports, which do not depend on the machine. Not thread-safe; close it to stop its workers.
 */
public final class StepTuner implements AutoCloseable {

    /**
     * One setting on a list of probes.
     *
     * @param firstNs    per probe and channel the first spike (ns, stimulus time), NaN when the channel stayed silent
     * @param iterations Newton iterations summed over the probes
     * @param timepoints accepted timepoints summed over the probes
     * @param failures   probes ngspice could not simulate with this setting (their {@code firstNs} row is null)
     */
    public record Run(StepControl step, double[][] firstNs, long iterations, long timepoints, int failures) {
    }

    /**
     * A setting against the reference.
     *
     * @param worstPs       largest |Δ first spike| over channels that fired in both
     * @param meanPs        mean of those
     * @param disagreements channels that fired in one run and stayed silent in the other (or whose probe failed)
     * @param spikes        channels that fired in both
     */
    public record Deviation(double worstPs, double meanPs, int disagreements, int spikes) {

        /** Every first spike within {@code tolerancePs} of the reference and no channel silent in one and not the other. */
        public boolean within(double tolerancePs) {
            return disagreements == 0 && worstPs <= tolerancePs;
        }
    }

    private final RigDescription description;
    private final SpiceSettings settings;
    private final NetlistRenderer renderer;
    private final ResultExtractor extractor;
    private final NgspiceWorkers workers;
    private final ExecutorService pool;
    private final String channelVectors;

    /** @param settings the rig's; its timing chain is left out (spike times are compared raw) */
    public StepTuner(RigDescription description, SpiceSettings settings, Ngspice ngspice) {
        this.description = description;
        this.settings = settings.withTimingChain(Optional.empty());
        this.renderer = NetlistRenderer.of(description, this.settings);
        this.extractor = new ResultExtractor(description, this.settings, renderer);
        this.workers = new NgspiceWorkers(description.id(), ngspice);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.effectiveWorkers(), r -> {
            Thread t = new Thread(r, "tune-step-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.channelVectors = String.join(" ", description.channels().stream().map(c -> "v(" + c.node() + ")").toList());
    }

    /**
     * {@code n} seeded first-spike probes: trainable parameters uniform in their bounds, the first
     * input at a delay uniform in [0.13, 0.37]·tstop, every other input too with probability ½.
     */
    public static List<Probe> probes(RigDescription description, double tstopNs, int n, long seed) {
        Random rnd = new Random(seed);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ParameterVector v = description.defaults();
            for (ParameterSpec p : description.parameters()) {
                if (p.trainable()) {
                    v = v.with(p.name(), p.min() + rnd.nextDouble() * (p.max() - p.min()));
                }
            }
            Map<String, Double> delays = new LinkedHashMap<>();
            for (InputSpec in : description.inputs()) {
                boolean fires = delays.isEmpty() || rnd.nextBoolean();
                double delay = tstopNs * (0.13 + 0.24 * rnd.nextDouble());
                if (fires) {
                    delays.put(in.name(), delay);
                }
            }
            probes.add(new Probe(v, new Stimulus(delays), Probe.Window.FIRST_SPIKES));
        }
        return probes;
    }

    /** Simulates every probe (as first-spike probes) with {@code step}. */
    public Run run(StepControl step, List<Probe> probes) {
        SpiceProbes netlists = new SpiceProbes(description, settings.withStep(step));
        double[][] first = new double[probes.size()][];
        long[][] usage = new long[probes.size()][];
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < Math.min(settings.effectiveWorkers(), probes.size()); t++) {
            futures.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < probes.size(); ) {
                    Probe p = new Probe(probes.get(i).parameters(), probes.get(i).stimulus(), Probe.Window.FIRST_SPIKES);
                    try {
                        NgspiceWorker.Usage u = simulate(netlists.netlist(p), p, first, i);
                        usage[i] = new long[] {u.iterations(), u.timepoints()};
                    } catch (MeasurementException e) {
                        usage[i] = new long[] {0, 0, 1};
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeasurementException("interrupted while tuning the step", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RigException re) {
                throw re;
            }
            throw new MeasurementException("simulation failed: " + e.getCause(), e.getCause());
        }
        long iterations = 0;
        long timepoints = 0;
        int failures = 0;
        for (long[] u : usage) {
            iterations += u[0];
            timepoints += u[1];
            failures += u.length > 2 ? 1 : 0;
        }
        return new Run(step, first, iterations, timepoints, failures);
    }

    private NgspiceWorker.Usage simulate(String netlist, Probe probe, double[][] first, int index) throws IOException {
        Path dir = workers.scratchDir();
        Path cir = dir.resolve("tune.cir");
        Path raw = dir.resolve("tune.raw");
        Files.writeString(cir, netlist, StandardCharsets.UTF_8);
        Files.deleteIfExists(raw);
        NgspiceWorker w = workers.worker();
        if (workers.worn(w)) {
            workers.discard(w);
            w = workers.worker();
        }
        String output;
        try {
            output = w.await(w.submit(cir, raw, channelVectors, renderer.runCommands(probe.stimulus(), true, probe.stopNs()), true),
                    settings.timeoutS());
            workers.release(w);
        } catch (NgspiceWorker.WorkerFailure e) {
            workers.discard(w);
            throw new MeasurementException(e.getMessage());
        }
        var result = extractor.extract(new Probe(probe.parameters(), probe.stimulus(), Probe.Window.FIRST_SPIKES),
                RawFile.parse(Files.readAllBytes(raw)), 0,
                IdentityCalibration.INSTANCE);
        double[] spikes = new double[description.channels().size()];
        for (int c = 0; c < spikes.length; c++) {
            ChannelResult r = result.channels().get(c);
            spikes[c] = r.firstSpike().map(t -> t.rawNs()).orElse(Double.NaN);
        }
        first[index] = spikes;
        return NgspiceWorker.usage(output);
    }

    /** How far {@code run}'s first spikes sit from {@code reference}'s (the same probes). */
    public static Deviation deviation(Run run, Run reference) {
        double worst = 0;
        double sum = 0;
        int n = 0;
        int disagree = 0;
        for (int i = 0; i < run.firstNs().length; i++) {
            if (reference.firstNs()[i] == null) {
                throw new MeasurementException("the reference setting failed on probe " + i);
            }
            if (run.firstNs()[i] == null) {
                disagree += reference.firstNs()[i].length;
                continue;
            }
            for (int c = 0; c < run.firstNs()[i].length; c++) {
                double a = run.firstNs()[i][c];
                double b = reference.firstNs()[i][c];
                if (Double.isNaN(a) != Double.isNaN(b)) {
                    disagree++;
                } else if (!Double.isNaN(a)) {
                    double d = Math.abs(a - b) * 1000;
                    worst = Math.max(worst, d);
                    sum += d;
                    n++;
                }
            }
        }
        return new Deviation(worst, n == 0 ? 0 : sum / n, disagree, n);
    }

    @Override
    public void close() {
        workers.refuseNew();
        pool.shutdownNow();
        workers.close();
    }
}
