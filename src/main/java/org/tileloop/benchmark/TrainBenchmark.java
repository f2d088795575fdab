package org.tileloop.benchmark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.tileloop.plot.Charts;
import org.tileloop.plot.Palette;
import org.tileloop.rig.Rig;
import org.tileloop.rig.file.Rigs;
import org.tileloop.rig.file.RigFile;
import org.tileloop.run.CsvRows;
import org.tileloop.run.RunListener;
import org.tileloop.run.RunRecord;
import org.tileloop.train.Iteration;
import org.tileloop.train.LossTerms;
import org.tileloop.train.TrainingConfig;
import org.tileloop.train.TrainingConfigBuilder;
import org.tileloop.train.TrainingTask;

/**
 * {@code tileloop bench train}: every method on the same task, rig and seeds; per method the
 * measurements needed to reach the loss central finite differences reach within their budget
 * (mean over seeds), final train and holdout losses, wall time, with the timing jitter off and on.
 * Each seed also reseeds the jitter. Writes {@code runs.csv}, {@code summary.md} and {@code loss.svg}
 * per noise setting.
 */
public final class TrainBenchmark {

    private record Run(String method, long seed, List<long[]> measurements, List<double[]> losses, double seconds) {
    }

    private final BenchmarkRig source;
    private final RigFile file;
    private final Optional<RigFile> twin;
    private final Path configFile;
    private final PrintWriter out;

    /**
     * @param source where the runs measure (a simulated rig, or a bench emulator per run)
     * @param twin the simulated twin for the twin methods (they are skipped without one)
     */
    public TrainBenchmark(BenchmarkRig source, Optional<RigFile> twin, Path configFile, PrintWriter out) {
        this.source = source;
        this.file = source.file();
        this.twin = twin;
        this.configFile = configFile;
        this.out = out;
    }

    /**
     * Runs the benchmark with the timing jitter off (0 ps) and/or on ({@code jitterPs}), each in its
     * own subdirectory of {@code dir}, for the {@code chosen} methods (central FD always runs first:
     * it sets the measurement budget and the target).
     */
    public void run(int seeds, int fdIterations, Path dir, String noise, double jitterPs, List<String> chosen) throws IOException {
        for (String mode : noise.equals("both") ? List.of("off", "on") : List.of(noise)) {
            out.printf(Locale.ROOT, "noise %s (%s ps rms timing jitter)%n", mode, mode.equals("on") ? jitterPs : 0.0);
            double jitter = mode.equals("on") ? jitterPs : 0;
            run(seeds, fdIterations, dir.resolve("noise-" + mode), jitter, chosen);
        }
    }

    private void run(int seeds, int fdIterations, Path dir, double jitterPs, List<String> chosen) throws IOException {
        Files.createDirectories(dir);
        if (twin.isPresent()) {
            TrainingTask.of(TrainingConfigBuilder.load(configFile).build(configFile.toString()), file.description())
                    .checkTwin(twin.get().description(), "--twin");
        }
        List<Run> runs = new ArrayList<>();
        try (TwinRig twinRig = new TwinRig(twin.map(Rigs::open))) {
            runAll(seeds, fdIterations, dir, jitterPs, chosen, runs, twinRig.rig());
        }
        double target = runs.stream().filter(r -> r.method().equals("fd-central")).mapToDouble(r -> last(r)[0]).average().orElse(0);
        report(runs, target, runs.stream().filter(r -> r.method().equals("fd-central")).mapToLong(r -> r.measurements()
                .get(r.measurements().size() - 1)[1]).max().orElse(0), seeds, dir, jitterPs);
    }

    /** The twin the twin methods share, closed after the last run. */
    private record TwinRig(Optional<Rig> rig) implements AutoCloseable {
        @Override
        public void close() {
            rig.ifPresent(Rig::close);
        }
    }

    private void runAll(int seeds, int fdIterations, Path dir, double jitterPs, List<String> chosen, List<Run> runs, Optional<Rig> twinRig)
            throws IOException {
        long budget = -1;
        for (TrainMethod m : TrainMethod.all()) {
            if (!m.name().equals("fd-central") && !chosen.contains(m.name()) || m.usesTwin() && twin.isEmpty()) {
                continue;
            }
            for (long seed = 1; seed <= seeds; seed++) {
                TrainingConfigBuilder draft = TrainingConfigBuilder.load(configFile);
                draft.seed = seed;
                m.setup().accept(draft);
                draft.twin = m.usesTwin() ? twin.orElseThrow().path().toAbsolutePath().toString() : null;
                draft.iterations = budget < 0 ? fdIterations : iterations(draft.build(configFile + " (" + m.name() + ")"), budget);
                TrainingConfig c = draft.build(configFile + " (" + m.name() + ")");
                List<long[]> meas = new ArrayList<>();
                List<double[]> losses = new ArrayList<>();
                long t0 = System.nanoTime();
                try (BenchmarkRig.Opened rig = source.open(seed, jitterPs)) {
                    RunRecord.train(rig.rig(), c.twin().rigFile().isPresent() ? twinRig : Optional.empty(), c,
                            dir.resolve("work").resolve(m.name() + "-" + seed), List.of(new RunListener() {
                        @Override
                        public void iteration(Iteration p) {
                            meas.add(new long[] {p.index(), p.measurements()});
                            losses.add(new double[] {p.train().total(), p.holdout().map(LossTerms::total).orElse(Double.NaN)});
                        }
                    }));
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e.getMessage(), e);
                }
                Run r = new Run(m.name(), seed, meas, losses, (System.nanoTime() - t0) / 1e9);
                runs.add(r);
                out.printf(Locale.ROOT, "  %-16s seed %d: %3d iterations, %4d measurements, final train %.4g, holdout %.4g%n", m.name(), seed,
                        c.iterations(), meas.get(meas.size() - 1)[1], last(r)[0], last(r)[1]);
                out.flush();
            }
            if (budget < 0) {
                budget = runs.stream().mapToLong(r -> r.measurements().get(r.measurements().size() - 1)[1]).max().orElse(0);
            }
        }
    }

    /**
     * The iterations that spend about {@code budget} measurements: a derivative-free evaluation
     * measures the train traces once; a bayes round measures bayes_batch points, its round 0 the
     * initial design (2d + 1 points unless set); twin_gauss_newton measures the train traces, plus its
     * scheduled rig Jacobians (disagreement refreshes can add more).
     */
    private static int iterations(TrainingConfig c, long budget) {
        TrainingConfig.Task t = c.task();
        int traces = t.patterns().isEmpty() ? t.trainDelaysNs().size()
                : (int) t.patterns().stream().filter(p -> p.split() == TrainingConfig.Split.TRAIN).count();
        if (c.optimization().optimizer() == TrainingConfig.Optimizer.BAYES) {
            int initial = c.bayes().initial().orElse(2 * t.trainable().size() + 1);
            return (int) Math.max(1, 1 + (budget - (long) initial * traces) / ((long) c.bayes().batch() * traces));
        }
        if (c.optimization().optimizer() == TrainingConfig.Optimizer.TWIN_GAUSS_NEWTON) {
            int holdout = t.patterns().isEmpty() ? t.holdoutDelaysNs().size() : t.patterns().size() - traces;
            double refreshes = c.twin().refresh() > 0 ? (double) t.trainable().size() * traces / c.twin().refresh() : 0;
            double each = (traces + refreshes) * c.estimation().repeats() + (double) holdout / Math.max(1, c.schedule().evalEvery());
            return (int) Math.max(1, Math.floor(budget / each));
        }
        return (int) Math.max(1, budget / perIteration(c, traces));
    }

    private static int perIteration(TrainingConfig c, int traces) {
        TrainingConfig.Task t = c.task();
        int holdout = t.patterns().isEmpty() ? t.holdoutDelaysNs().size() : t.patterns().size() - traces;
        if (c.optimization().optimizer().derivativeFree()) {
            return traces;
        }
        int points = switch (c.estimation().estimator()) {
            case SPSA -> 1 + 2 * c.estimation().spsaResamplings();
            case FORWARD -> 1 + t.trainable().size();
            case CENTRAL -> 1 + 2 * t.trainable().size();
        };
        return points * c.estimation().repeats() * traces + holdout / Math.max(1, c.schedule().evalEvery());
    }

    private static double[] last(Run r) {
        return r.losses().get(r.losses().size() - 1);
    }

    /** Measurements at the first iteration whose train loss is at or below the target, or -1. */
    private static long toTarget(Run r, double target) {
        for (int i = 0; i < r.losses().size(); i++) {
            if (r.losses().get(i)[0] <= target) {
                return r.measurements().get(i)[1];
            }
        }
        return -1;
    }

    private void report(List<Run> runs, double target, long budget, int seeds, Path dir, double jitterPs) throws IOException {
        StringBuilder csv = new StringBuilder(CsvRows.row("method", "seed", "iteration", "measurements", "loss_train_ns2", "loss_holdout_ns2"));
        for (Run r : runs) {
            for (int i = 0; i < r.losses().size(); i++) {
                csv.append(CsvRows.row(r.method(), Long.toString(r.seed()), Long.toString(r.measurements().get(i)[0]),
                        Long.toString(r.measurements().get(i)[1]), String.format(Locale.ROOT, "%.9g", r.losses().get(i)[0]),
                        String.format(Locale.ROOT, "%.9g", r.losses().get(i)[1])));
            }
        }
        Files.writeString(dir.resolve("runs.csv"), csv.toString(), StandardCharsets.UTF_8);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# tileloop bench train%n%nRig %s, config %s, %d seeds, timing jitter %s ps rms, measurement budget %d "
                + "(central FD's). Target: central FD's mean final train loss %.4g.%n%n", file.description().id(), org.tileloop.input.ShownPath.of(configFile), seeds,
                org.tileloop.rig.Numbers.plain(jitterPs), budget, target));
        md.append("| method | reached target | measurements to target (mean) | vs FD | vs FD, worst seed | final train (mean ± sd) | final holdout (mean ± sd) | wall s (mean) |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Run>> by = new LinkedHashMap<>();
        runs.forEach(r -> by.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r));
        double fdMeas = by.get("fd-central").stream().mapToLong(r -> toTarget(r, target)).filter(x -> x >= 0).average().orElse(Double.NaN);
        for (var e : by.entrySet()) {
            List<Run> rs = e.getValue();
            long reached = rs.stream().filter(r -> toTarget(r, target) >= 0).count();
            double meanTo = rs.stream().mapToLong(r -> toTarget(r, target)).filter(x -> x >= 0).average().orElse(Double.NaN);
            double[] tr = rs.stream().mapToDouble(r -> last(r)[0]).toArray();
            double[] ho = rs.stream().mapToDouble(r -> last(r)[1]).toArray();
            double worst = worstSeedRatio(rs, by.get("fd-central"), target);
            md.append(String.format(Locale.ROOT, "| %s | %d/%d | %s | %s | %s | %.4g ± %.2g | %.4g ± %.2g | %.1f |%n", e.getKey(), reached, rs.size(),
                    Double.isNaN(meanTo) ? "never" : String.format(Locale.ROOT, "%.0f", meanTo),
                    Double.isNaN(meanTo) ? "-" : String.format(Locale.ROOT, "%.2f", meanTo / fdMeas),
                    Double.isNaN(worst) ? "-" : String.format(Locale.ROOT, "%.2f", worst), mean(tr), sd(tr), mean(ho), sd(ho),
                    rs.stream().mapToDouble(Run::seconds).average().orElse(0)));
        }
        Files.writeString(dir.resolve("summary.md"), md.toString(), StandardCharsets.UTF_8);
        out.print(md);
        Files.writeString(dir.resolve("loss.svg"), chart(by, target, seeds, jitterPs), StandardCharsets.UTF_8);
        out.println("written: " + dir.resolve("summary.md") + ", runs.csv, loss.svg");
    }

    /**
     * Mean train loss over the seeds against measurements, one {@link Palette#series} colour per
     * method, on a decade log axis (a zero mean leaves a gap), the target as a dashed line.
     */
    private static String chart(Map<String, List<Run>> by, double target, int seeds, double jitterPs) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<java.awt.Color> colours = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        int longest = 0;
        for (var e : by.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            List<Run> rs = e.getValue();
            int n = rs.stream().mapToInt(r -> r.losses().size()).min().orElse(0);
            double[] means = new double[n];
            for (int i = 0; i < n; i++) {
                final int k = i;
                means[i] = rs.stream().mapToDouble(r -> r.losses().get(k)[0]).average().orElse(0);
                s.add(Double.valueOf(rs.stream().mapToLong(r -> r.measurements().get(k)[1]).average().orElse(0)), Charts.logPoint(means[i]));
            }
            values.add(means);
            longest = Math.max(longest, n);
            colours.add(Palette.series(colours.size()));
            data.addSeries(s);
        }
        values.add(new double[] {target});
        XYPlot plot = Charts.panel(new XYPlot(data, Charts.linearAxis("measurements"), Charts.logAxis("train loss (ns², mean over seeds)",
                values), Charts.lines(longest <= Charts.MAX_MARKED_POINTS, colours)));
        if (Charts.logPoint(target) != null) {
            Charts.referenceLine(plot, target, "target: central FD's final loss", false);
        }
        String sub = String.format(Locale.ROOT, "%d seed%s, timing jitter %s ps rms; dashed: the target", seeds, seeds == 1 ? "" : "s",
                org.tileloop.rig.Numbers.plain(jitterPs));
        return Charts.svg(Charts.chart("Loss against measurements", sub, plot, true), 820, 560, "bt");
    }

    /**
     * The largest, over seeds, of (measurements to the target) / (central FD's measurements to it on
     * the same seed, or its whole budget when that seed never got there); NaN when a seed never reached it.
     */
    private static double worstSeedRatio(List<Run> rs, List<Run> fd, double target) {
        double worst = 0;
        for (Run r : rs) {
            long to = toTarget(r, target);
            Run f = fd.stream().filter(x -> x.seed() == r.seed()).findFirst().orElseThrow();
            long fdTo = toTarget(f, target) >= 0 ? toTarget(f, target) : f.measurements().get(f.measurements().size() - 1)[1];
            if (to < 0) {
                return Double.NaN;
            }
            worst = Math.max(worst, (double) to / fdTo);
        }
        return worst;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0;
    }
}
