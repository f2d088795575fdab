package org.tileloop.benchmark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.tileloop.calibration.CalibratedRigs;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.plot.Charts;
import org.tileloop.plot.Palette;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.digital.DigitalDetectorRig;
import org.tileloop.rig.digital.DigitalSettings;
import org.tileloop.rig.file.RigFile;
import org.tileloop.run.CsvRows;
import org.tileloop.run.RunRecord;
import org.tileloop.train.Loss;
import org.tileloop.train.LossTerms;
import org.tileloop.train.TrainingConfig;
import org.tileloop.train.TrainingConfigBuilder;
import org.tileloop.train.Trace;
import org.tileloop.train.TrainingTask;

/**
 * {@code tileloop compare}: the same training config and seed on each rig (digital ones at every
 * requested clock and width), side by side: timing error (RMS, ns) on train and holdout,
 * classification accuracy on train and holdout (for a config with classes), penalties, latency to
 * the decision (the last first spike after the first input; with classes, the first one), energy
 * per inference, measurements used. The config is checked against every rig before any trains.
 * Writes {@code compare.md}, {@code compare.csv}, {@code compare.svg}.
 */
public final class Comparison {

    /**
     * One rig (variant) of a comparison: timing RMS in ns, accuracies as fractions (NaN without
     * classes), penalties in ns², latency in ns, energy per inference in pJ.
     */
    public record Row(String rig, String variant, double rmsTrainNs, double rmsHoldoutNs, double accuracyTrain, double accuracyHoldout,
               double missing, double order, double latencyNs, double energyPj, long measurements) {

        /** Whether the config has classes (the accuracies are numbers). */
        public boolean classified() {
            return !Double.isNaN(accuracyHoldout);
        }
    }

    private final PrintWriter out;

    public Comparison(PrintWriter out) {
        this.out = out;
    }

    /** Trains each rig, prints a line per rig and writes the report files; returns the rows. */
    public List<Row> run(List<RigFile> rigs, Path config, List<Double> clocksGhz, List<Integer> bits, long seed, Path dir) throws IOException {
        for (RigFile f : rigs) {
            config(config, seed).checkAgainst(f.description(), org.tileloop.input.ShownPath.of(config).toString());
        }
        Files.createDirectories(dir);
        List<Row> rows = new ArrayList<>();
        for (RigFile f : rigs) {
            if (f.digital().isPresent()) {
                DigitalSettings base = f.digital().get();
                for (double ghz : clocksGhz) {
                    for (int b : bits) {
                        DigitalSettings s = new DigitalSettings(ghz, b, base.tstopNs(), base.addPj32(), base.multPj32(), base.regFjPerBit());
                        rows.add(train(new DigitalDetectorRig(f.description(), s), f.description().id(),
                                String.format(Locale.ROOT, "%s GHz, %d bit", org.tileloop.rig.Numbers.plain(ghz), b), config, seed, dir));
                    }
                }
            } else {
                try (Rig rig = CalibratedRigs.open(f, CalibrationStore.defaultStore())) {
                    rows.add(train(rig, f.description().id(), f.description().kind().key(), config, seed, dir));
                }
            }
        }
        report(rows, config, dir);
        return rows;
    }

    private static TrainingConfig config(Path configFile, long seed) {
        TrainingConfigBuilder draft = TrainingConfigBuilder.load(configFile);
        draft.seed = seed;
        return draft.build(configFile.toString());
    }

    private Row train(Rig rig, String id, String variant, Path configFile, long seed, Path dir) throws IOException {
        TrainingConfig c = config(configFile, seed);
        Path runDir = dir.resolve("runs").resolve((id + "-" + variant).replaceAll("[^A-Za-z0-9.-]+", "_"));
        RunRecord.Outcome o = RunRecord.train(rig, c, runDir, List.of());
        LossTerms train = o.train().get(o.lastIteration());
        LossTerms hold = o.holdout().get(o.lastIteration());
        double timingWeight = c.loss().timingWeight() > 0 ? c.loss().timingWeight() : 1;
        TrainingTask task = TrainingTask.of(c, rig.description());
        boolean classes = task.holdout().stream().anyMatch(t -> t.label() >= 0);
        List<Trace> traces = new ArrayList<>(task.holdout());
        if (classes) {
            traces.addAll(task.train());
        }
        List<StimulusResult> all = rig.measure(traces.stream().map(t -> new Probe(t.apply(o.last()), t.stimulus(), Probe.Window.FULL)).toList());
        List<StimulusResult> r = all.subList(0, task.holdout().size());
        double latency = 0;
        double energy = 0;
        int decided = 0;
        for (StimulusResult s : r) {
            double earliest = s.stimulus().inputDelaysNs().values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
            var firsts = s.channels().stream().filter(ch -> ch.firstSpike().isPresent()).mapToDouble(ch -> ch.firstSpike().get().calibratedNs());
            OptionalDouble decision = classes ? firsts.min() : firsts.max();
            if (decision.isPresent() && (classes || s.channels().stream().allMatch(ch -> ch.firstSpike().isPresent()))) {
                latency += decision.getAsDouble() - earliest;
                decided++;
            }
            energy += s.energyPj().orElse(Double.NaN);
        }
        double accuracyTrain = classes ? Loss.accuracy(task.train(), all.subList(r.size(), all.size())) : Double.NaN;
        double accuracyHoldout = classes ? Loss.accuracy(task.holdout(), r) : Double.NaN;
        Row row = new Row(id, variant, Math.sqrt(train.timing() / timingWeight), Math.sqrt(hold.timing() / timingWeight), accuracyTrain,
                accuracyHoldout, train.missing(), train.order(), decided == 0 ? Double.NaN : latency / decided, energy / r.size(),
                o.measurements());
        out.printf(Locale.ROOT, "  %-18s %-16s %s, latency %s ns, energy %s pJ%n", id, variant, classes
                ? "accuracy " + percent(accuracyTrain) + " / " + percent(accuracyHoldout)
                : "timing RMS " + sig(row.rmsTrainNs()) + " / " + sig(row.rmsHoldoutNs()) + " ns", sig(row.latencyNs()), sig(row.energyPj()));
        out.flush();
        return row;
    }

    private static String sig(double v) {
        return org.tileloop.rig.Numbers.sig(v);
    }

    /** An accuracy as a percentage, or n/a without classes. */
    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }

    private static String g6(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private void report(List<Row> rows, Path config, Path dir) throws IOException {
        StringBuilder csv = new StringBuilder(CsvRows.row("rig", "variant", "timing_rms_train_ns", "timing_rms_holdout_ns", "accuracy_train",
                "accuracy_holdout", "missing_train_ns2",
                "order_train_ns2", "latency_ns", "energy_pj_per_inference", "measurements"));
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "# tileloop compare%n%nSame training config (%s), same seed, same "
                + "trainer, on each rig. Latency: last first spike (with classes: the first, the decision) after the earliest input (holdout "
                + "traces, final parameters); accuracy: the class's channel fired strictly first (final parameters); energy: per inference "
                + "over the rig's window.%n%n| rig | variant | timing RMS train (ns) | timing RMS holdout (ns) | accuracy train | accuracy holdout | "
                + "missing (ns²) | order (ns²) | latency (ns) | energy / inference (pJ) | measurements |%n|---|---|---|---|---|---|---|---|---|---|---|%n",
                org.tileloop.input.ShownPath.of(config)));
        for (Row r : rows) {
            csv.append(CsvRows.row(r.rig(), r.variant(), g6(r.rmsTrainNs()), g6(r.rmsHoldoutNs()), r.classified() ? g6(r.accuracyTrain()) : "",
                    r.classified() ? g6(r.accuracyHoldout()) : "", g6(r.missing()), g6(r.order()), g6(r.latencyNs()), g6(r.energyPj()),
                    Long.toString(r.measurements())));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n", r.rig(), r.variant(),
                    sig(r.rmsTrainNs()), sig(r.rmsHoldoutNs()), percent(r.accuracyTrain()), percent(r.accuracyHoldout()), sig(r.missing()),
                    sig(r.order()), sig(r.latencyNs()), sig(r.energyPj()), r.measurements()));
        }
        Row analog = rows.stream().filter(r -> !r.variant().contains("GHz")).findFirst().orElse(null);
        if (analog != null) {
            md.append("\n**Where each wins.** Against the analog tile (").append(analog.rig()).append(String.format(Locale.ROOT,
                    ": holdout %s, latency %s ns, %s pJ per inference):%n%n", analog.classified() ? "accuracy " + percent(analog.accuracyHoldout())
                    : "timing RMS " + sig(analog.rmsHoldoutNs()) + " ns", sig(analog.latencyNs()), sig(analog.energyPj())));
            for (Row r : rows) {
                if (r == analog || !r.variant().contains("GHz")) {
                    continue;
                }
                List<String> wins = new ArrayList<>();
                List<String> loses = new ArrayList<>();
                List<String> same = new ArrayList<>();
                if (analog.classified()) {
                    if (r.accuracyHoldout() == analog.accuracyHoldout()) {
                        same.add("holdout accuracy " + percent(r.accuracyHoldout()));
                    } else {
                        (r.accuracyHoldout() > analog.accuracyHoldout() ? wins : loses).add("holdout accuracy " + percent(r.accuracyHoldout())
                                + " vs " + percent(analog.accuracyHoldout()));
                    }
                } else {
                    (r.rmsHoldoutNs() < analog.rmsHoldoutNs() ? wins : loses).add(String.format(Locale.ROOT, "timing error %s vs %s ns",
                            sig(r.rmsHoldoutNs()), sig(analog.rmsHoldoutNs())));
                }
                (r.energyPj() < analog.energyPj() ? wins : loses).add(String.format(Locale.ROOT, "energy %s vs %s pJ", sig(r.energyPj()),
                        sig(analog.energyPj())));
                (r.latencyNs() < analog.latencyNs() ? wins : loses).add(String.format(Locale.ROOT, "latency %s vs %s ns", sig(r.latencyNs()),
                        sig(analog.latencyNs())));
                md.append("- ").append(r.variant()).append(": digital better in ").append(wins.isEmpty() ? "nothing" : String.join(", ", wins))
                        .append("; analog better in ").append(loses.isEmpty() ? "nothing" : String.join(", ", loses))
                        .append(same.isEmpty() ? "" : "; the same " + String.join(", ", same)).append(".\n");
            }
        }
        Files.writeString(dir.resolve("compare.csv"), csv.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("compare.md"), md.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("compare.svg"), chart(rows), StandardCharsets.UTF_8);
        out.print(md);
        out.println("written: " + dir.resolve("compare.md") + ", compare.csv, compare.svg");
    }

    /**
     * Holdout timing RMS (with classes: holdout accuracy, linear axis) against energy per inference
     * on a decade log axis, one colour per rig and variant.
     */
    private static String chart(List<Row> rows) {
        boolean classes = rows.stream().anyMatch(Row::classified);
        XYSeriesCollection data = new XYSeriesCollection();
        List<java.awt.Color> colours = new ArrayList<>();
        boolean left = false;
        for (Row r : rows) {
            XYSeries s = new XYSeries(r.rig() + " " + r.variant(), false, true);
            double y = classes ? 100 * r.accuracyHoldout() : r.rmsHoldoutNs();
            if (Charts.logPoint(r.energyPj()) != null && (classes ? Double.isFinite(y) : Charts.logPoint(y) != null)) {
                s.add(r.energyPj(), y);
            } else {
                left = true;
            }
            colours.add(Palette.series(colours.size()));
            data.addSeries(s);
        }
        ValueAxis yAxis;
        if (classes) {
            NumberAxis accuracy = Charts.linearAxis("holdout accuracy (%)");
            accuracy.setRange(0, 105);
            accuracy.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(10));
            yAxis = accuracy;
        } else {
            yAxis = Charts.logAxis("holdout timing RMS (ns)", List.of(rows.stream().mapToDouble(Row::rmsHoldoutNs).toArray()));
        }
        XYPlot plot = Charts.panel(new XYPlot(data,
                Charts.logAxis("energy per inference (pJ)", List.of(rows.stream().mapToDouble(Row::energyPj).toArray())), yAxis,
                Charts.dots(colours)));
        String sub = (classes ? "upper left is better: more holdout accuracy for less energy" : "lower left is better: less timing error for less energy")
                + (left ? "; a rig with zero or no energy or error cannot be drawn on log axes and is left out" : "");
        return Charts.svg(Charts.chart(classes ? "Accuracy against energy" : "Timing error against energy", sub, plot, true), 900, 620, "cmp");
    }
}
