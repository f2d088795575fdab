package org.tileloop.benchmark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.spice.NetlistRenderer;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.RawFile;
import org.tileloop.rig.spice.SpiceRig;
import org.tileloop.rig.spice.SpiceSettings;
import org.tileloop.run.RunRecord;
import org.tileloop.train.TrainingConfig;
import org.tileloop.train.TrainingConfigBuilder;

/**
 * {@code tileloop bench sim}: the same seeded measurement set through (i) the naive path (a new
 * {@code ngspice -b} per measurement, full window, one at a time), (ii) the solver floor (one
 * ngspice process sourcing and running the same netlists back to back with the same stop
 * conditions, no Java) and (iii) tileloop's simulated rig; then a memory soak, the rig file's step
 * setting against the untuned one ({@link StepBenchmark}) and the trainer's own overhead with the rig excluded.
 */
public final class SimBenchmark {

    /** Floor and rig runs are repeated and the fastest counted: this machine's timing noise is ±25 %. */
    static final int REPEATS = 3;

    private final RigFile file;
    private final PrintWriter out;

    public SimBenchmark(RigFile file, PrintWriter out) {
        this.file = file;
        this.out = out;
    }

    List<Probe> probes(int n, long seed) {
        Random rnd = new Random(seed);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ParameterVector v = file.description().defaults();
            for (ParameterSpec p : file.description().parameters()) {
                if (p.trainable()) {
                    v = v.with(p.name(), p.min() + rnd.nextDouble() * (p.max() - p.min()));
                }
            }
            probes.add(new Probe(v, Stimulus.delay(file.description(), 4 + rnd.nextDouble() * 7), Probe.Window.FIRST_SPIKES));
        }
        return probes;
    }

    public void run(int measurements, int soak, Path work) throws IOException {
        SpiceSettings settings = file.simulator().orElseThrow();
        NetlistRenderer renderer = NetlistRenderer.of(file.description(), settings);
        NetlistRenderer naiveRenderer = renderer.withoutTimeShift();
        Ngspice ngspice = Ngspice.locate();
        List<Probe> probes = probes(measurements, 1);
        out.printf(Locale.ROOT, "tileloop bench sim: rig %s, %d measurements (seeded random vectors and delays), %d cores, ngspice %s;"
                + " floor and tileloop: best of " + REPEATS + "%n",
                file.description().id(), measurements, Runtime.getRuntime().availableProcessors(), ngspice.version());

        Path dir = Files.createDirectories(work);
        long t0 = System.nanoTime();
        for (int i = 0; i < probes.size(); i++) {
            Path cir = dir.resolve("naive.cir");
            Path raw = dir.resolve("naive.raw");
            Files.writeString(cir, naiveRenderer.render(probes.get(i).parameters(), probes.get(i).stimulus(), false), StandardCharsets.UTF_8);
            ngspice.runBatch(cir, raw, settings.timeoutS());
            RawFile.parse(Files.readAllBytes(raw));
        }
        double naive = probes.size() / seconds(t0);
        out.printf(Locale.ROOT, "  naive    (new ngspice -b per measurement, whole 0..tstop window):   %6.1f measurements/s%n", naive);

        StringBuilder control = new StringBuilder("* tileloop bench: solver floor\n.control\n");
        for (int i = 0; i < probes.size(); i++) {
            Path cir = dir.resolve("floor-" + i + ".cir");
            Files.writeString(cir, renderer.render(probes.get(i).parameters(), probes.get(i).stimulus(), true), StandardCharsets.UTF_8);
            control.append("source ").append(cir).append('\n')
                    .append(renderer.runCommands(probes.get(i).stimulus(), true, java.util.OptionalDouble.empty()))
                    .append("destroy all\nremcirc\n");
        }
        control.append("quit\n.endc\n.end\n");
        Path script = dir.resolve("floor.sp");
        Files.writeString(script, control.toString(), StandardCharsets.UTF_8);
        double floorBest = Double.MAX_VALUE;
        for (int rep = 0; rep < REPEATS; rep++) {
            t0 = System.nanoTime();
            Process p = ngspice.process(dir, "-b", script.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("floor.log").toFile()).start();
            try {
                if (!p.waitFor(600, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("solver floor run did not finish in 600 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            floorBest = Math.min(floorBest, seconds(t0));
        }
        double floor = probes.size() / floorBest;
        out.printf(Locale.ROOT, "  floor    (one ngspice, tileloop's netlists back to back, no Java):   %6.1f measurements/s%n", floor);

        double rigRate;
        try (SpiceRig rig = new SpiceRig(file.description(), settings, IdentityCalibration.INSTANCE, ngspice)) {
            rig.measure(probes(40, 2));
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < REPEATS; rep++) {
                t0 = System.nanoTime();
                rig.measure(probes);
                best = Math.min(best, seconds(t0));
            }
            rigRate = probes.size() / best;
            out.printf(Locale.ROOT, "  tileloop (rig: %d persistent ngspice workers, same stop conditions): %5.1f measurements/s%n",
                    settings.effectiveWorkers(), rigRate);
            out.printf(Locale.ROOT, "  ratios: tileloop/naive %.1fx, tileloop/floor %.2fx%n", rigRate / naive, rigRate / floor);
            if (soak > 0) {
                soak(rig, soak);
            }
        }
        StepBenchmark.run(file.description(), settings, ngspice, probes, out);
        trainerOverhead(dir);
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private void soak(SpiceRig rig, int total) {
        int batch = 200;
        List<long[]> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        int done = 0;
        for (int b = 0; done < total; b++) {
            List<Probe> probes = probes(Math.min(batch, total - done), 1000 + b);
            rig.measure(probes);
            done += probes.size();
            samples.add(new long[] {done, Ngspice.rssKb(ProcessHandle.current().pid()), rig.workersRssKb()});
        }
        double rate = total / seconds(t0);
        int warm = Math.max(1, samples.size() / 10);
        out.printf(Locale.ROOT, "  soak: %d measurements at %.1f/s; RSS (MiB) after %d, %d and %d measurements:%n", total, rate,
                samples.get(warm - 1)[0], samples.get(samples.size() / 2)[0], samples.get(samples.size() - 1)[0]);
        for (int k : new int[] {1, 2}) {
            String what = k == 1 ? "JVM" : "ngspice workers";
            long a = samples.get(warm - 1)[k];
            long m = samples.get(samples.size() / 2)[k];
            long z = samples.get(samples.size() - 1)[k];
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = warm - 1; i < samples.size(); i++) {
                min = Math.min(min, samples.get(i)[k]);
                max = Math.max(max, samples.get(i)[k]);
            }
            double mid = (min + max) / 2.0;
            out.printf(Locale.ROOT, "    %-16s %7.1f %7.1f %7.1f   peak %7.1f, range after warm-up ±%.1f%%%n", what, a / 1024.0, m / 1024.0,
                    z / 1024.0, max / 1024.0, mid == 0 ? 0 : 100 * (max - mid) / mid);
        }
    }

    private void trainerOverhead(Path dir) throws IOException {
        Path configFile = file.path().toAbsolutePath().getParent().resolve("training").resolve(file.description().id() + ".yaml");
        TrainingConfigBuilder draft = TrainingConfigBuilder.load(configFile);
        draft.iterations = 200;
        TrainingConfig config = draft.build(configFile.toString());
        InstantRig rig = new InstantRig(file.description());
        long t0 = System.nanoTime();
        RunRecord.train(rig, config, dir.resolve("overhead-run"), List.of());
        double perIterationMs = seconds(t0) * 1000 / 201;
        out.printf(Locale.ROOT, "  trainer overhead with the rig excluded: %.2f ms per iteration (%d probes each, artifacts fsynced)%n",
                perIterationMs, rig.probesPerCall());
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
