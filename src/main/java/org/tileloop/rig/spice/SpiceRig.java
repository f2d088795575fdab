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
import org.tileloop.calibration.Calibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
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
public final class SpiceRig implements Rig {

    private final RigDescription description;
    private final SpiceSettings settings;
    private final NetlistRenderer renderer;
    private volatile Calibration calibration;
    private final AtomicLong referenceCount = new AtomicLong();
    private final Ngspice ngspice;
    private final ExecutorService pool;
    private final Path workDir;

    public SpiceRig(RigDescription description, SpiceSettings settings, Calibration calibration, Ngspice ngspice) {
        this.description = description;
        this.settings = settings;
        this.renderer = NetlistRenderer.of(description, settings);
        this.calibration = calibration;
        this.ngspice = ngspice;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.effectiveWorkers(), r -> {
            Thread t = new Thread(r, "ngspice-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.workDir = Files.createTempDirectory("tileloop-spice-");
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

    @Override
    public Calibration calibration() {
        return calibration;
    }

    @Override
    public void useCalibration(Calibration calibration) {
        this.calibration = calibration;
    }

    public Ngspice ngspice() {
        return ngspice;
    }

    /** The exact netlist {@link #measure} simulates for this vector and stimulus. */
    public String netlist(ParameterVector parameters, Stimulus stimulus) {
        description.validate(parameters);
        description.validate(stimulus, settings.tstopNs());
        return renderer.render(parameters, stimulus);
    }

    @Override
    public List<StimulusResult> measure(List<Probe> batch) {
        List<String> netlists = batch.stream().map(p -> netlist(p.parameters(), p.stimulus())).toList();
        List<Future<StimulusResult>> futures = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Stimulus stimulus = batch.get(i).stimulus();
            String netlist = netlists.get(i);
            futures.add(pool.submit(() -> simulate(stimulus, netlist)));
        }
        List<StimulusResult> results = new ArrayList<>(batch.size());
        try {
            for (Future<StimulusResult> f : futures) {
                results.add(f.get());
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
        return results;
    }

    private StimulusResult simulate(Stimulus stimulus, String netlist) throws IOException {
        Path dir = Files.createTempDirectory(workDir, "run-");
        try {
            Path cir = dir.resolve("tile.cir");
            Path raw = dir.resolve("tile.raw");
            Files.writeString(cir, netlist, StandardCharsets.UTF_8);
            ngspice.runBatch(cir, raw, settings.timeoutS());
            if (!Files.exists(raw)) {
                throw new MeasurementException("ngspice wrote no results for stimulus " + stimulus.inputDelaysNs());
            }
            RawFile data;
            try {
                data = RawFile.parse(Files.readAllBytes(raw));
            } catch (IllegalArgumentException e) {
                throw new MeasurementException("unreadable ngspice results: " + e.getMessage(), e);
            }
            return extract(stimulus, data);
        } finally {
            deleteTree(dir);
        }
    }

    StimulusResult extract(Stimulus stimulus, RawFile data) {
        double[] time = data.vector("time");
        if (time.length < 2) {
            throw new MeasurementException("ngspice returned " + time.length + " time points");
        }
        double[] timeNs = new double[time.length];
        for (int i = 0; i < time.length; i++) {
            timeNs[i] = time[i] * 1e9;
        }
        List<ChannelResult> channels = new ArrayList<>();
        Calibration cal = calibration;
        for (int ci = 0; ci < description.channels().size(); ci++) {
            ChannelSpec c = description.channels().get(ci);
            double[] v = data.vector("v(" + c.node() + ")");
            requireFinite(v, c.node());
            List<Timing> spikes = new ArrayList<>();
            for (double t : SpikeDetector.crossings(timeNs, v, c.thresholdV(), c.hysteresisV())) {
                int channel = ci;
                double raw = settings.timingChain().map(chain -> chain.raw(channel, t, Double.doubleToLongBits(t))).orElse(t);
                spikes.add(cal.apply(c.name(), raw));
            }
            channels.add(new ChannelResult(c.name(), spikes));
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
        pool.shutdownNow();
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
