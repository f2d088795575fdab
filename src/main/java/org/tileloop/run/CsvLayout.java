package org.tileloop.run;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.train.Iteration;
import org.tileloop.train.LossTerms;
import org.tileloop.train.TwinComparison;

/**
 * The columns of {@code iterations.csv} and {@code traces.csv} (README, "Artifacts"): loss values
 * in ns², times in ns, drift in ps, parameters in their own units, {@code time} ISO-8601 UTC.
 */
final class CsvLayout {

    static final String TRACES_HEADER = CsvRows.row("iteration", "split", "delay_ns", "channel", "target_ns",
            "first_spike_raw_ns", "first_spike_ns", "calibration_id", "spike_count", "expected_count", "error_ns", "pattern");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final List<ParameterSpec> trainable;
    private final List<String> twinChannels;

    /** @param twinChannels the channels, when the run has a twin (its columns follow); empty otherwise */
    CsvLayout(List<ParameterSpec> trainable, List<String> twinChannels) {
        this.trainable = trainable;
        this.twinChannels = List.copyOf(twinChannels);
    }

    String iterationsHeader() {
        List<String> h = new ArrayList<>(List.of("time", "iteration", "measurements", "loss_train_ns2", "loss_holdout_ns2"));
        for (String split : List.of("train", "holdout")) {
            LossTerms.NAMES.forEach(t -> h.add(t + "_" + split + "_ns2"));
        }
        LossTerms.NAMES.forEach(t -> h.add("pct_" + t));
        for (String prefix : List.of("param_", "grad_", "step_")) {
            trainable.forEach(p -> h.add(prefix + p.name()));
        }
        h.addAll(List.of("accuracy_train", "accuracy_holdout", "drift_ps", "calibration_id"));
        if (!twinChannels.isEmpty()) {
            twinChannels.forEach(c -> h.addAll(List.of("twin_" + c + "_ns", "gap_" + c + "_ns")));
            h.addAll(List.of("twin_grad_cosine", "jacobian", "jacobian_cosine", "twin_measurements"));
        }
        return CsvRows.row(h);
    }

    String iterationRow(Iteration it) {
        LossTerms hold = it.holdout().orElse(null);
        List<String> r = new ArrayList<>(List.of(TIME.format(it.time()), Integer.toString(it.index()), Long.toString(it.measurements()),
                f(it.train().total()), hold == null ? "" : f(hold.total())));
        for (double v : it.train().values()) {
            r.add(f(v));
        }
        for (int i = 0; i < LossTerms.NAMES.size(); i++) {
            r.add(hold == null ? "" : f(hold.values()[i]));
        }
        for (double p : it.train().percentages()) {
            r.add(String.format(Locale.ROOT, "%.2f", p));
        }
        it.parameters().forEach(p -> r.add(f(p.value())));
        it.parameters().forEach(p -> r.add(f(p.gradient())));
        it.parameters().forEach(p -> r.add(f(p.step())));
        r.addAll(List.of(accuracy(it.accuracyTrain()), accuracy(it.accuracyHoldout()), optional(it.driftPs()), it.calibrationId()));
        if (!twinChannels.isEmpty()) {
            TwinComparison t = it.twin().orElseThrow(() -> new IllegalStateException("a run with a twin got an iteration without one"));
            t.channels().forEach(g -> r.addAll(List.of(optional(g.twinNs()), optional(g.gapNs()))));
            r.addAll(List.of(optional(t.gradientCosine()), t.jacobian().map(TwinComparison.JacobianSource::wire).orElse(""),
                    optional(t.jacobianCosine()), Integer.toString(t.stimuli())));
        }
        return CsvRows.row(r);
    }

    String traceRows(Iteration it) {
        StringBuilder out = new StringBuilder();
        String k = Integer.toString(it.index());
        for (Iteration.Measured m : it.traces()) {
            for (int c = 0; c < m.result().channels().size(); c++) {
                ChannelResult ch = m.result().channels().get(c);
                OptionalDouble target = m.trace().targetsNs().get(c);
                var first = ch.firstSpike();
                OptionalInt expected = m.trace().expectedCounts().get(c);
                out.append(CsvRows.row(k, m.trace().split(), f(m.trace().stimulus().delayNs()), ch.name(),
                        optional(target), first.map(x -> f(x.rawNs())).orElse(""), first.map(x -> f(x.calibratedNs())).orElse(""),
                        first.map(x -> x.calibrationId()).orElse(""),
                        ch.spikeCount().isPresent() ? Integer.toString(ch.spikeCount().getAsInt()) : "",
                        expected.isPresent() ? Integer.toString(expected.getAsInt()) : "",
                        target.isPresent() && first.isPresent() ? f(first.get().calibratedNs() - target.getAsDouble()) : "",
                        m.trace().pattern()));
            }
        }
        return out.toString();
    }

    private static String accuracy(OptionalDouble a) {
        return a.isPresent() ? String.format(Locale.ROOT, "%.4f", a.getAsDouble()) : "";
    }

    private static String optional(OptionalDouble v) {
        return v.isPresent() ? f(v.getAsDouble()) : "";
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
