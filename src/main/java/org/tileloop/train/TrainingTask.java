package org.tileloop.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;

/**
 * What a training config asks of a rig: the trainable parameters and their space, the train and
 * holdout traces with their targets, the loss settings and the measurement window. Built once per
 * run; the comparison of rigs builds the same traces through it.
 *
 * @param trainable the trained parameters, in order
 * @param initial the full parameter vector the run starts from
 * @param train the train traces (targets fixed)
 * @param holdout the holdout traces (targets fixed)
 */
public record TrainingTask(TrainingConfig config, RigDescription rig, List<ParameterSpec> trainable, ParameterVector initial,
                           List<Trace> train, List<Trace> holdout) {

    public TrainingTask {
        trainable = List.copyOf(trainable);
        train = List.copyOf(train);
        holdout = List.copyOf(holdout);
    }

    /** The task of {@code config} on {@code rig}; targets of {@code measured_anchor_shift} are not set yet. */
    public static TrainingTask of(TrainingConfig config, RigDescription rig) {
        List<ParameterSpec> trainable = new ArrayList<>();
        List<String> names = config.task().trainable().isEmpty()
                ? rig.parameters().stream().filter(ParameterSpec::trainable).map(ParameterSpec::name).toList()
                : config.task().trainable();
        for (String n : names) {
            trainable.add(rig.parameter(n).orElseThrow(() -> new RigConfigurationException(
                    "training config: trainable: '" + n + "' is not a parameter of rig " + rig.id())));
        }
        TraceBuilder traces = new TraceBuilder(config, rig);
        List<Trace> train = config.task().patterns().isEmpty() ? traces.delays(Trace.TRAIN, config.task().trainDelaysNs()) : traces.patterns(Trace.TRAIN, trainable);
        List<Trace> holdout = config.task().patterns().isEmpty() ? traces.delays(Trace.HOLDOUT, config.task().holdoutDelaysNs()) : traces.patterns(Trace.HOLDOUT, trainable);
        return new TrainingTask(config, rig, trainable, rig.withOverrides(config.task().initial()), train, holdout);
    }

    /**
     * Checks that the rig {@code twin} can be this task's simulated twin (README "Twin-assisted training").
     *
     * @param source names the config file and key in errors
     * @throws RigConfigurationException it cannot
     */
    public void checkTwin(RigDescription twin, String source) {
        TwinModel.check(twin, this, source);
    }

    public ParameterSpace space() {
        return new ParameterSpace(trainable, initial);
    }

    /** Whether the targets come from an anchor measurement that has not been made yet. */
    public boolean needsAnchor() {
        return config.task().targetMode() == TrainingConfig.TargetMode.MEASURED_ANCHOR_SHIFT;
    }

    /**
     * The anchor measurement for {@code measured_anchor_shift} targets: measures the probed traces
     * at the anchor point and returns the task with each trace targeting the anchor's first spike
     * plus the configured shift.
     */
    public Anchored anchor(Rig rig) {
        List<Trace> probe = new ArrayList<>(train);
        if (config.task().anchorProbeSplit() == TrainingConfig.ProbeSplit.ALL) {
            probe.addAll(holdout);
        }
        if (!config.task().patterns().isEmpty() && !holdout.isEmpty() && config.task().anchorProbeSplit() == TrainingConfig.ProbeSplit.TRAIN) {
            throw new RigConfigurationException("training config: measured_anchor_shift with holdout patterns needs"
                    + " anchor_probe_split: all (a pattern's targets come from its own anchor measurement)");
        }
        ParameterVector anchor = this.rig.withOverrides(config.task().anchor());
        List<StimulusResult> r = rig.measure(probe.stream().map(t -> new Probe(t.apply(anchor), t.stimulus())).toList());
        return new Anchored(new TrainingTask(config, this.rig, trainable, initial, shifted(train, probe, r), shifted(holdout, probe, r)),
                r.size());
    }

    /** A task with its anchor targets and the number of stimuli the anchor measurement took. */
    public record Anchored(TrainingTask task, long measurements) {
    }

    /** This task with recorded targets: per trace (train, then holdout lists) and channel, null for none. */
    public TrainingTask withTargets(List<List<Double>> trainTargetsNs, List<List<Double>> holdoutTargetsNs) {
        if (trainTargetsNs.size() != train.size() || holdoutTargetsNs.size() != holdout.size()) {
            throw new RigConfigurationException("recorded targets do not match the training config (traces differ)");
        }
        return new TrainingTask(config, rig, trainable, initial, retarget(train, trainTargetsNs), retarget(holdout, holdoutTargetsNs));
    }

    /** Per trace and channel, the target (null for none), as recorded. */
    public static List<List<Double>> targets(List<Trace> traces) {
        List<List<Double>> out = new ArrayList<>();
        for (Trace t : traces) {
            List<Double> row = new ArrayList<>();
            t.targetsNs().forEach(v -> row.add(v.isPresent() ? v.getAsDouble() : null));
            out.add(row);
        }
        return out;
    }

    /** The loss settings, with the energy normaliser {@code energyReferencePj}. */
    public LossSettings lossSettings(double energyReferencePj) {
        List<int[]> pairs = new ArrayList<>();
        for (List<String> pair : config.loss().orderPairs()) {
            if (pair.size() != 2) {
                throw new RigConfigurationException("training config: order_pairs: each pair names two channels, got " + pair);
            }
            pairs.add(new int[] {channelIndex(rig, pair.get(0)), channelIndex(rig, pair.get(1))});
        }
        return new LossSettings(config.loss().timingWeight(), config.loss().missingWeight(), config.loss().missingPenaltyNs2(),
                config.loss().missing(), config.loss().timingSigmaPs() / 1000, config.loss().countWeight(),
                config.loss().orderWeight(), pairs, config.loss().orderMarginNs(), energyReferencePj, config.loss().classLoss(), config.loss().classWeight(),
                config.loss().temperatureNs(), config.loss().classMarginNs());
    }

    /**
     * First spikes suffice unless the loss uses spike counts or energy; then the whole window is
     * measured. (A simulated rig stops early for first spikes; first-spike times are the same.)
     */
    public Probe.Window window() {
        boolean counts = config.loss().countWeight() > 0 && !config.task().expectedCounts().isEmpty();
        boolean energy = config.loss().energyWeightStart() > 0 || config.loss().energyWeightEnd() > 0;
        return counts || energy ? Probe.Window.FULL : Probe.Window.FIRST_SPIKES;
    }

    static int channelIndex(RigDescription rig, String name) {
        List<ChannelSpec> ch = rig.channels();
        for (int i = 0; i < ch.size(); i++) {
            if (ch.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new RigConfigurationException("training config: '" + name + "' is not a channel of rig " + rig.id()
                + " (order_pairs and class name channels)");
    }

    private static List<Trace> retarget(List<Trace> traces, List<List<Double>> targets) {
        List<Trace> out = new ArrayList<>();
        for (int i = 0; i < traces.size(); i++) {
            Trace t = traces.get(i);
            List<OptionalDouble> v = targets.get(i).stream().map(x -> x == null ? OptionalDouble.empty() : OptionalDouble.of(x)).toList();
            out.add(new Trace(t.split(), t.stimulus(), v, t.expectedCounts(), t.pattern(), t.set(), t.label()));
        }
        return out;
    }

    private List<Trace> shifted(List<Trace> traces, List<Trace> probed, List<StimulusResult> anchor) {
        List<Trace> out = new ArrayList<>();
        for (Trace t : traces) {
            int i = probed.indexOf(t);
            StimulusResult ref = i >= 0 ? anchor.get(i) : anchor.get(0);
            double delayOffset = i >= 0 ? 0 : t.stimulus().delayNs() - probed.get(0).stimulus().delayNs();
            List<OptionalDouble> targets = new ArrayList<>();
            for (int c = 0; c < ref.channels().size(); c++) {
                double shift = config.task().anchorShiftNs().isEmpty() ? 0 : config.task().anchorShiftNs().get(Math.min(c, config.task().anchorShiftNs().size() - 1));
                var first = ref.channels().get(c).firstSpike();
                targets.add(first.isPresent() ? OptionalDouble.of(first.get().calibratedNs() + delayOffset + shift) : OptionalDouble.empty());
            }
            out.add(new Trace(t.split(), t.stimulus(), targets, t.expectedCounts(), t.pattern(), t.set(), t.label()));
        }
        return out;
    }

    /** Builds the traces of one split from delay lists or patterns. */
    private record TraceBuilder(TrainingConfig config, RigDescription rig) {

        List<Trace> patterns(String split, List<ParameterSpec> trainable) {
            List<Trace> out = new ArrayList<>();
            int channels = rig.channels().size();
            for (TrainingConfig.Pattern p : config.task().patterns()) {
                if (!p.split().wire().equals(split)) {
                    continue;
                }
                for (String name : p.set().keySet()) {
                    if (trainable.stream().anyMatch(t -> t.name().equals(name))) {
                        throw new RigConfigurationException("training config: pattern " + p.name() + ": set: '" + name
                                + "' is trained; a pattern may only set untrained parameters");
                    }
                    if (rig.parameter(name).isEmpty()) {
                        throw new RigConfigurationException("training config: pattern " + p.name() + ": set: '" + name
                                + "' is not a parameter of rig " + rig.id());
                    }
                }
                rig.validate(new Trace(split, new Stimulus(p.inputsNs()), List.of(), List.of(), p.name(), p.set(), -1).apply(rig.defaults()));
                int label = p.classLabel().map(c -> channelIndex(rig, c)).orElse(-1);
                List<OptionalDouble> targets = new ArrayList<>();
                if (config.task().targetMode() == TrainingConfig.TargetMode.ABSOLUTE && !p.targetsNs().isEmpty()) {
                    if (p.targetsNs().size() != channels) {
                        throw new RigConfigurationException("training config: pattern " + p.name() + ": targets_ns needs " + channels
                                + " values (one per channel, null for none), got " + p.targetsNs().size());
                    }
                    p.targetsNs().forEach(v -> targets.add(v == null ? OptionalDouble.empty() : OptionalDouble.of(v)));
                } else {
                    targets.addAll(Collections.nCopies(channels, OptionalDouble.empty()));
                }
                out.add(new Trace(split, new Stimulus(p.inputsNs()), targets, expectedCounts(channels), p.name(), p.set(), label));
            }
            return out;
        }

        List<Trace> delays(String split, List<Double> delays) {
            List<Trace> out = new ArrayList<>();
            for (double d : delays) {
                Map<String, Double> inputs = new LinkedHashMap<>();
                inputs.put(rig.inputs().get(0).name(), d);
                config.task().fixedInputsNs().forEach((name, ns) -> {
                    if (inputs.put(name, ns) != null) {
                        throw new RigConfigurationException("training config: fixed_inputs_ns: '" + name
                                + "' is the input the trace delays drive; fix a different input");
                    }
                });
                out.add(new Trace(split, new Stimulus(inputs), delayTargets(d), expectedCounts(rig.channels().size())));
            }
            return out;
        }

        private List<OptionalDouble> delayTargets(double d) {
            int channels = rig.channels().size();
            if (config.task().targetMode() != TrainingConfig.TargetMode.ABSOLUTE) {
                return Collections.nCopies(channels, OptionalDouble.empty());
            }
            List<Double> t = config.task().targetsNs().get(TrainingConfig.key(d));
            List<String> order = config.task().targetChannels().isEmpty() ? rig.channels().stream().map(ChannelSpec::name).toList() : config.task().targetChannels();
            if (t == null || t.size() != order.size()) {
                throw new RigConfigurationException("training config: targets: delay " + TrainingConfig.key(d)
                        + " needs " + order.size() + " target times (one per channel), got " + (t == null ? "none" : t.size()));
            }
            for (String name : order) {
                if (rig.channels().stream().noneMatch(ch -> ch.name().equals(name))) {
                    throw new RigConfigurationException("training config: targets: '" + name + "' is not a channel of rig " + rig.id());
                }
            }
            List<OptionalDouble> targets = new ArrayList<>();
            for (ChannelSpec ch : rig.channels()) {
                int i = order.indexOf(ch.name());
                if (i < 0) {
                    throw new RigConfigurationException("training config: targets: no column for channel '" + ch.name()
                            + "' of rig " + rig.id() + " (have " + order + ")");
                }
                Double v = t.get(i);
                targets.add(v == null ? OptionalDouble.empty() : OptionalDouble.of(v));
            }
            return targets;
        }

        private List<OptionalInt> expectedCounts(int channels) {
            List<OptionalInt> counts = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                counts.add(config.task().expectedCounts().isEmpty() ? OptionalInt.empty() : OptionalInt.of(config.task().expectedCounts().get(c)));
            }
            return counts;
        }
    }
}
