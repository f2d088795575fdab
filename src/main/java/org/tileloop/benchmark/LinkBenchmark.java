package org.tileloop.benchmark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.bench.BenchRig;
import org.tileloop.rig.bench.LinkStatistics;
import org.tileloop.rig.bench.emulator.BenchEmulator;
import org.tileloop.rig.file.RigFile;
import org.tileloop.run.RunListener;
import org.tileloop.run.RunRecord;
import org.tileloop.train.Iteration;
import org.tileloop.train.TrainingConfig;

/**
 * {@code tileloop bench link}: a bench rig on its bench emulator (jitter 0, so every measurement is
 * a deterministic function of the codes and the stimulus) under link faults: measurements per
 * second in full batches, resends, and the wall time of a short training, each scenario against
 * the clean one. A measurement is <em>wrong</em> when it differs from the clean run's for the
 * same probe, <em>lost</em> when no result came back, <em>duplicated</em> when the emulator's
 * ground-truth log shows a stimulus fired more than once (the log has one line per firing). An
 * untimed clean training runs first, so the timed ones all run on a warmed-up JVM.
 */
public final class LinkBenchmark {

    /** A fault setting of the emulator: probability of a flipped bit per byte sent, of a dropped reply frame. */
    public record Scenario(String name, double corruptRate, double dropRate) {
    }

    /** The scenarios of issue 20: clean; 1 % corrupt bytes; 5 % dropped replies; both. */
    public static final List<Scenario> SCENARIOS = List.of(new Scenario("clean", 0, 0), new Scenario("corrupt 1%", 0.01, 0),
            new Scenario("drop 5%", 0, 0.05), new Scenario("corrupt 1% + drop 5%", 0.01, 0.05));

    /** The slow-down a faulty link may cost a training (issue 20: at most 3x the clean run). */
    public static final double TRAINING_LIMIT = 3.0;

    /**
     * One scenario's figures.
     *
     * @param measurementsPerS measurements over the wall time of the batch phase's measure calls
     * @param trainS wall time of the training
     * @param replays requests the controller answered from its replay cache (STATUS), batch phase
     */
    public record Result(Scenario scenario, int measurements, double measurementsPerS, LinkStatistics batchLink, long replays,
                         long wrong, long duplicated, long lost, double trainS, LinkStatistics trainLink, long trainWrong,
                         long trainDuplicated, long trainLost) {
    }

    private final RigFile benchFile;
    private final Path trainingConfig;
    private final Path firmwareDir;
    private final PrintWriter out;

    /**
     * @param benchFile a bench rig file (its {@code bench.device} is replaced by the emulator's)
     * @param trainingConfig the training to time
     */
    public LinkBenchmark(RigFile benchFile, Path trainingConfig, Path firmwareDir, PrintWriter out) {
        this.benchFile = benchFile;
        this.trainingConfig = trainingConfig;
        this.firmwareDir = firmwareDir;
        this.out = out;
    }

    /** Runs every scenario with {@code batches} batches of {@code max_batch} probes and an {@code iterations}-iteration training. */
    public List<Result> run(int batches, int iterations, long seed, Path work) throws IOException {
        out.printf(Locale.ROOT, "bench link: rig %s on the bench emulator (seed %d, jitter 0 ps); %d batches; %d-iteration training (%s)%n",
                benchFile.description().id(), seed, batches, iterations, trainingConfig.getFileName());
        out.printf(Locale.ROOT, "%-21s %8s %8s %9s %8s %6s %4s %5s | %8s %7s %8s %6s %4s %5s%n", "scenario", "meas/s", "resends",
                "malf/tmo", "replayed", "wrong", "dup", "lost", "train_s", "x clean", "resends", "wrong", "dup", "lost");
        out.flush();
        List<Result> results = new ArrayList<>();
        train(SCENARIOS.get(0), seed, iterations, Files.createDirectories(work.resolve("warm-up")));
        List<StimulusResult> cleanBatches = null;
        List<Iteration> cleanTraining = null;
        for (Scenario s : SCENARIOS) {
            Path dir = Files.createDirectories(work.resolve(s.name().replaceAll("[^a-z0-9]+", "-")));
            List<Probe> probes = probes(batches, seed);
            Batches b = measure(s, seed, probes, dir);
            cleanBatches = cleanBatches == null ? b.results : cleanBatches;
            Training t = train(s, seed, iterations, dir);
            cleanTraining = cleanTraining == null ? t.iterations : cleanTraining;
            long trainLost = Math.max(0, measured(cleanTraining) - measured(t.iterations));
            Result r = new Result(s, probes.size(), probes.size() / b.seconds, b.link, b.replays, differing(cleanBatches, b.results),
                    b.duplicated, b.lost, t.seconds, t.link, differingTraining(cleanTraining, t.iterations), t.duplicated, trainLost);
            results.add(r);
            double ratio = r.trainS() / results.get(0).trainS();
            out.printf(Locale.ROOT, "%-21s %8.0f %8d %4d/%-4d %8d %6d %4d %5d | %8.2f %7.2f %8d %6d %4d %5d%n", s.name(), r.measurementsPerS(),
                    r.batchLink().resends(), r.batchLink().resentMalformed(), r.batchLink().resentTimeout(), r.replays(), r.wrong(),
                    r.duplicated(), r.lost(), r.trainS(), ratio, r.trainLink().resends(), r.trainWrong(), r.trainDuplicated(), r.trainLost());
            out.flush();
        }
        Result worst = results.get(results.size() - 1);
        double ratio = worst.trainS() / results.get(0).trainS();
        boolean clean = results.stream().allMatch(r -> r.wrong() + r.duplicated() + r.lost() + r.trainWrong() + r.trainDuplicated()
                + r.trainLost() == 0);
        out.printf(Locale.ROOT, "%s: training %.2fx the clean run (limit %.0fx), %s%n", worst.scenario().name(), ratio, TRAINING_LIMIT,
                clean ? "0 wrong, duplicated or lost measurements in every scenario" : "MEASUREMENTS WRONG, DUPLICATED OR LOST");
        out.printf(Locale.ROOT, "verdict: %s%n", ratio <= TRAINING_LIMIT && clean ? "ok" : "FAILED");
        out.flush();
        return results;
    }

    /** Every batch: one random parameter vector inside the rig's bounds, max_batch random in0 delays (whole ps), in1 at 7 ns. */
    private List<Probe> probes(int batches, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Probe> probes = new ArrayList<>();
        List<String> inputs = benchFile.description().inputs().stream().map(i -> i.name()).toList();
        for (int b = 0; b < batches; b++) {
            ParameterVector v = benchFile.description().defaults();
            for (ParameterSpec p : benchFile.description().parameters()) {
                v = v.with(p.name(), p.min() + random.nextDouble() * (p.max() - p.min()));
            }
            for (int k = 0; k < 16; k++) {
                Map<String, Double> delays = new LinkedHashMap<>();
                delays.put(inputs.get(0), 2 + random.nextInt(10_001) / 1000.0);
                inputs.stream().skip(1).forEach(in -> delays.put(in, 7.0));
                probes.add(new Probe(v, new Stimulus(delays)));
            }
        }
        return probes;
    }

    private record Batches(List<StimulusResult> results, double seconds, LinkStatistics link, long replays, long duplicated, long lost) {
    }

    private Batches measure(Scenario s, long seed, List<Probe> probes, Path dir) throws IOException {
        Path truth = dir.resolve("batches-truth.jsonl");
        try (BenchEmulator emu = BenchEmulator.start(firmwareDir, dir.resolve("batches-device"), options(s, seed, truth));
             BenchRig rig = emu.openRig(benchFile.path())) {
            List<StimulusResult> results = new ArrayList<>();
            long lost = 0;
            long nanos = 0;
            int batch = rig.handshake().maxBatch();
            for (int i = 0; i < probes.size(); i += batch) {
                List<Probe> part = probes.subList(i, Math.min(probes.size(), i + batch));
                long t0 = System.nanoTime();
                try {
                    results.addAll(rig.measure(part));
                } catch (RigException e) {
                    lost += part.size();
                    part.forEach(p -> results.add(null));
                }
                nanos += System.nanoTime() - t0;
            }
            long replays = rig.status().replays().orElse(-1);
            long fired = Files.readAllLines(truth).size();
            return new Batches(results, nanos / 1e9, rig.linkStatistics(), replays, Math.max(0, fired - (probes.size() - lost)), lost);
        }
    }

    private record Training(List<Iteration> iterations, double seconds, LinkStatistics link, long duplicated) {
    }

    private static long measured(List<Iteration> iterations) {
        return iterations.isEmpty() ? 0 : iterations.get(iterations.size() - 1).measurements();
    }

    private Training train(Scenario s, long seed, int iterations, Path dir) throws IOException {
        org.tileloop.train.TrainingConfigBuilder b = org.tileloop.train.TrainingConfigBuilder.load(trainingConfig);
        b.iterations = iterations;
        TrainingConfig config = b.build(trainingConfig.toString());
        Path truth = dir.resolve("training-truth.jsonl");
        try (BenchEmulator emu = BenchEmulator.start(firmwareDir, dir.resolve("training-device"), options(s, seed, truth));
             BenchRig rig = emu.openRig(benchFile.path())) {
            List<Iteration> seen = new ArrayList<>();
            long t0 = System.nanoTime();
            try {
                RunRecord.train(rig, config, dir.resolve("run"), List.of(new RunListener() {
                    @Override
                    public void iteration(Iteration it) {
                        seen.add(it);
                    }
                }));
            } catch (RigException e) {
                out.println("  " + s.name() + ": the training failed: " + e.getMessage());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long fired = Files.readAllLines(truth).size();
            return new Training(seen, seconds, rig.linkStatistics(), Math.max(0, fired - measured(seen)));
        }
    }

    private static BenchEmulator.Options options(Scenario s, long seed, Path truth) {
        return BenchEmulator.Options.clean(seed).jitter(0).truth(truth).faults(s.corruptRate(), s.dropRate(), -1, -1);
    }

    private static long differing(List<StimulusResult> clean, List<StimulusResult> got) {
        long n = 0;
        for (int i = 0; i < got.size(); i++) {
            if (got.get(i) != null && !got.get(i).equals(clean.get(i))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Reported traces that differ from the clean training's, plus iterations whose train loss differs
     * (a wrong gradient probe, which is not reported, changes the loss that follows).
     */
    private static long differingTraining(List<Iteration> clean, List<Iteration> got) {
        long n = 0;
        for (int i = 0; i < Math.min(clean.size(), got.size()); i++) {
            List<Iteration.Measured> a = clean.get(i).traces();
            List<Iteration.Measured> b = got.get(i).traces();
            for (int k = 0; k < b.size(); k++) {
                if (k >= a.size() || !a.get(k).result().equals(b.get(k).result())) {
                    n++;
                }
            }
            if (clean.get(i).train().total() != got.get(i).train().total()) {
                n++;
            }
        }
        return n;
    }
}
