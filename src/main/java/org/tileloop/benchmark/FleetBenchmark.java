package org.tileloop.benchmark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.tileloop.fleet.FleetRig;
import org.tileloop.fleet.FleetSettings;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Probe;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;
import org.tileloop.rig.spice.SpiceSettings;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.internal.MosquittoBroker;

/**
 * {@code tileloop bench fleet}: the same seeded measurement set on a fleet of N single-slot
 * worker processes (a mosquitto of its own on loopback) and on a local rig with N ngspice
 * processes, interleaved and best of {@link #REPEATS}; then the largest fleet again with one
 * worker killed (SIGKILL) a third of the way through, its chunks issued again to the others.
 */
public final class FleetBenchmark {

    static final int REPEATS = 3;

    private final RigFile file;
    private final PrintWriter out;
    private final String mainClass;

    public FleetBenchmark(RigFile file, PrintWriter out, String mainClass) {
        this.file = file;
        this.out = out;
        this.mainClass = mainClass;
    }

    public void run(List<Integer> workerCounts, int measurements, Path work) throws IOException {
        Ngspice ngspice = Ngspice.locate();
        SimBenchmark sim = new SimBenchmark(file, out);
        List<Probe> probes = sim.probes(measurements, 1);
        List<Probe> warmUp = sim.probes(60, 2);
        Map<String, String> users = MosquittoBroker.generatedUsers();
        Path password = Files.createDirectories(work).resolve("operator-password");
        Files.writeString(password, users.get("operator"));
        out.printf(Locale.ROOT, "tileloop bench fleet: rig %s, %d measurements (seeded random vectors and delays, first spikes), %d cores,"
                + " ngspice %s; worker processes on a loopback mosquitto; best of %d, fleet and local interleaved%n",
                file.description().id(), measurements, Runtime.getRuntime().availableProcessors(), ngspice.version(), REPEATS);
        try (MosquittoBroker broker = MosquittoBroker.start(work.resolve("broker"), MosquittoBroker.freePort(), false, users)) {
            BrokerSettings operator = new BrokerSettings(broker.url(), Optional.of("operator"),
                    Optional.of(users.get("operator").toCharArray()), Optional.empty());
            List<StimulusResult> reference = null;
            double lastFleetS = 0;
            for (int n : workerCounts) {
                try (Fleet fleet = Fleet.start(mainClass, operator, password, n, file);
                     SpiceRig local = new SpiceRig(file.description(), workers(n), IdentityCalibration.INSTANCE, ngspice)) {
                    fleet.rig.measure(warmUp);
                    local.measure(warmUp);
                    double fleetS = Double.MAX_VALUE;
                    double localS = Double.MAX_VALUE;
                    boolean identical = true;
                    for (int rep = 0; rep < REPEATS; rep++) {
                        long t0 = System.nanoTime();
                        List<StimulusResult> l = local.measure(probes);
                        localS = Math.min(localS, seconds(t0));
                        t0 = System.nanoTime();
                        List<StimulusResult> f = fleet.rig.measure(probes);
                        fleetS = Math.min(fleetS, seconds(t0));
                        identical &= f.equals(l);
                        reference = l;
                    }
                    lastFleetS = fleetS;
                    out.printf(Locale.ROOT, "  %d worker%s x 1 slot: fleet %6.1f measurements/s, local rig with %d ngspice %6.1f/s,"
                                    + " ratio %.2f; results identical: %s%n", n, n == 1 ? " " : "s", measurements / fleetS, n,
                            measurements / localS, localS / fleetS, identical ? "yes" : "NO");
                    out.flush();
                }
            }
            int n = workerCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
            if (n >= 2) {
                killOne(operator, password, n, probes, warmUp, reference, lastFleetS);
            }
        }
    }

    private void killOne(BrokerSettings operator, Path password, int n, List<Probe> probes, List<Probe> warmUp,
                         List<StimulusResult> reference, double undisturbedS) throws IOException {
        try (Fleet fleet = Fleet.start(mainClass, operator, password, n, file)) {
            fleet.rig.measure(warmUp);
            long t0 = System.nanoTime();
            CompletableFuture<List<StimulusResult>> run = CompletableFuture.supplyAsync(() -> fleet.rig.measure(probes));
            sleep((long) (undisturbedS * 1000 / 3));
            double killedAtS = seconds(t0);
            fleet.workers.get(0).kill();
            List<StimulusResult> results = run.join();
            double tookS = seconds(t0);
            out.printf(Locale.ROOT, "  kill 1 of %d workers (SIGKILL) at %.1f s: the set took %.1f s instead of %.1f s (%+.0f%%),"
                            + " %d chunk%s issued again (its current and its prefetched one), %d duplicate results dropped;"
                            + " results identical: %s%n", n, killedAtS, tookS, undisturbedS, 100 * (tookS / undisturbedS - 1),
                    fleet.rig.reissuedChunks(), fleet.rig.reissuedChunks() == 1 ? "" : "s",
                    fleet.rig.duplicateResults(), results.equals(reference) ? "yes" : "NO");
            out.flush();
        }
    }

    private SpiceSettings workers(int n) {
        SpiceSettings s = file.simulator().orElseThrow();
        return s.withWorkers(n);
    }

    /** N single-slot worker processes and a fleet rig that has seen them all online. */
    private record Fleet(List<WorkerProcess> workers, FleetRig rig) implements AutoCloseable {
        static Fleet start(String mainClass, BrokerSettings broker, Path password, int n, RigFile file) throws IOException {
            List<CompletableFuture<WorkerProcess>> starting = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "bench-w" + i;
                starting.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return WorkerProcess.start(mainClass, broker, password, id, 1);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            List<WorkerProcess> workers = starting.stream().map(CompletableFuture::join).toList();
            FleetRig rig = FleetRig.open(file, FleetSettings.of(broker));
            long deadline = System.currentTimeMillis() + 30_000;
            while (rig.onlineSlots() < n && System.currentTimeMillis() < deadline) {
                sleep(50);
            }
            return new Fleet(workers, rig);
        }

        @Override
        public void close() {
            rig.close();
            workers.forEach(WorkerProcess::close);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
