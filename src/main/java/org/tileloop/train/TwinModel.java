package org.tileloop.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.StimulusResult;

/**
 * The simulated twin of the trained rig, measured at the same parameter vectors: its train
 * traces at the current point and, when slopes are wanted, at the forward-difference points
 * around it ({@code fd_step}), all in one batch (a simulated rig runs them in parallel). A
 * parameter both rigs have takes the trained rig's value; one only the twin has keeps the
 * twin's default. The last sample is kept, so the stepper and the trainer share one twin
 * measurement per iteration. Used on the training thread only.
 */
final class TwinModel {

    /** The twin's train results at {@code points} (the current point first), trace by trace, and the differences that placed them. */
    record Sample(List<double[]> points, List<List<StimulusResult>> perPoint, FiniteDifference fd) {

        boolean hasSlopes() {
            return points.size() > 1;
        }
    }

    private final Rig twin;
    private final TrainingTask task;
    private final FiniteDifference fd;
    private final ParameterVector twinBase;
    private Sample last;
    private int stimuli;

    /** @throws RigConfigurationException the twin is not simulated or lacks a trained parameter, a channel or an input of the task */
    TwinModel(Rig twin, TrainingTask task, String source) {
        this.twin = twin;
        this.task = task;
        this.fd = new FiniteDifference(FiniteDifference.Scheme.FORWARD, task.config().estimation().fdStep());
        RigDescription t = twin.description();
        check(t, task, source);
        Map<String, Double> shared = new LinkedHashMap<>();
        task.initial().values().forEach((name, value) -> {
            if (t.parameter(name).isPresent()) {
                shared.put(name, value);
            }
        });
        this.twinBase = t.withOverrides(shared);
    }

    /**
     * Checks that {@code t} can twin {@code task}'s rig: simulated, with every trained parameter in
     * the same unit over at least the trained range, the same channels in the same order and every
     * input the task fires.
     *
     * @param source names the key in errors (e.g. the config file and {@code twin})
     */
    static void check(RigDescription t, TrainingTask task, String source) {
        RigDescription r = task.rig();
        String what = source + ": twin: rig " + t.id();
        if (t.kind() != RigKind.SIMULATED) {
            throw new RigConfigurationException(what + " is a " + t.kind().toString().toLowerCase(java.util.Locale.ROOT)
                    + " rig; a twin is a simulated rig");
        }
        for (ParameterSpec p : task.trainable()) {
            if (t.parameter(p.name()).isEmpty()) {
                throw new RigConfigurationException(what + " has no parameter '" + p.name() + "', which is trained on rig " + r.id());
            }
            ParameterSpec q = t.parameter(p.name()).orElseThrow();
            if (!q.unit().equals(p.unit()) || q.min() > p.min() || q.max() < p.max()) {
                throw new RigConfigurationException(what + ": parameter " + p.name() + " spans [" + Numbers.plain(q.min()) + ", "
                        + Numbers.plain(q.max()) + "] " + q.unit() + "; the twin must cover the trained range [" + Numbers.plain(p.min()) + ", "
                        + Numbers.plain(p.max()) + "] " + p.unit() + " in the same unit");
            }
        }
        List<String> channels = r.channels().stream().map(ChannelSpec::name).toList();
        if (!t.channels().stream().map(ChannelSpec::name).toList().equals(channels)) {
            throw new RigConfigurationException(what + " has channels " + t.channels().stream().map(ChannelSpec::name).toList()
                    + "; the twin needs the trained rig's channels " + channels + ", in that order");
        }
        for (Trace trace : task.train()) {
            for (String input : trace.stimulus().inputDelaysNs().keySet()) {
                if (t.inputs().stream().noneMatch(i -> i.name().equals(input))) {
                    throw new RigConfigurationException(what + " has no input '" + input + "', which the task fires");
                }
            }
        }
    }

    /** Forgets the last sample: a new iteration measures the twin afresh (what it measures does not depend on a restart). */
    void newIteration() {
        last = null;
    }

    /** The twin at {@code u} (unit coordinates of the trained parameters), with the forward-difference points when {@code slopes}. */
    Sample at(double[] u, boolean slopes) {
        if (last != null && Arrays.equals(last.points().get(0), u) && (last.hasSlopes() || !slopes)) {
            return last;
        }
        List<double[]> points = slopes ? fd.points(u) : List.of(u.clone());
        List<Probe> batch = new ArrayList<>();
        for (double[] p : points) {
            ParameterVector v = vector(task.space().fromUnit(p));
            task.train().forEach(t -> batch.add(new Probe(t.apply(v), t.stimulus(), task.window())));
        }
        List<StimulusResult> results = twin.measure(batch);
        int n = task.train().size();
        List<List<StimulusResult>> perPoint = new ArrayList<>();
        for (int p = 0; p < points.size(); p++) {
            perPoint.add(results.subList(p * n, (p + 1) * n));
        }
        stimuli += batch.size();
        last = new Sample(points, perPoint, fd);
        return last;
    }

    /** The twin's train loss gradient (unit coordinates) of {@code sample}, scored with {@code loss}. */
    double[] gradient(Sample sample, Loss loss, double energyWeight) {
        double[] losses = sample.perPoint().stream().mapToDouble(r -> loss.evaluate(task.train(), r, energyWeight).total()).toArray();
        return fd.gradient(sample.points(), losses);
    }

    /** Per channel, over the train traces where both fired: the twin's mean first spike and the mean gap (rig − twin), ns. */
    List<TwinComparison.ChannelGap> gaps(Sample sample, List<StimulusResult> rigResults) {
        List<TwinComparison.ChannelGap> out = new ArrayList<>();
        for (int c = 0; c < task.rig().channels().size(); c++) {
            double twinSum = 0;
            double gapSum = 0;
            int n = 0;
            for (int t = 0; t < task.train().size(); t++) {
                var a = rigResults.get(t).channels().get(c).firstSpike();
                var b = sample.perPoint().get(0).get(t).channels().get(c).firstSpike();
                if (a.isPresent() && b.isPresent()) {
                    twinSum += b.get().calibratedNs();
                    gapSum += a.get().calibratedNs() - b.get().calibratedNs();
                    n++;
                }
            }
            out.add(new TwinComparison.ChannelGap(task.rig().channels().get(c).name(), n == 0 ? OptionalDouble.empty() : OptionalDouble.of(twinSum / n),
                    n == 0 ? OptionalDouble.empty() : OptionalDouble.of(gapSum / n)));
        }
        return out;
    }

    /** Stimuli the twin measured since the last call. */
    int takeStimuli() {
        int n = stimuli;
        stimuli = 0;
        return n;
    }

    /** The twin's parameter vector for the trained rig's {@code v}: shared names take v's values. */
    private ParameterVector vector(ParameterVector v) {
        ParameterVector out = twinBase;
        for (var e : v.values().entrySet()) {
            if (twinBase.values().containsKey(e.getKey())) {
                out = out.with(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The cosine of the angle between two vectors; empty when either is zero. */
    static OptionalDouble cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? OptionalDouble.empty() : OptionalDouble.of(ab / Math.sqrt(aa * bb));
    }
}
