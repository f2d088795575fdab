package org.tileloop.train;

import java.util.List;
import java.util.Map;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;

/** {@link TrainingConfig#checkAgainst}: the checks of a config that need its rig. */
record RigCheck(TrainingConfig config, RigDescription rig, String file) {

    void run() {
        TrainingConfig.Task t = config.task();
        List<String> channels = rig.channels().stream().map(ChannelSpec::name).toList();
        List<String> trained = t.trainable().isEmpty()
                ? rig.parameters().stream().filter(ParameterSpec::trainable).map(ParameterSpec::name).toList() : t.trainable();
        List<String> inputs = rig.inputs().stream().map(InputSpec::name).toList();
        if (config.optimization().optimizer() == TrainingConfig.Optimizer.BOBYQA && trained.size() < 2) {
            fail("optimizer", "bobyqa needs at least 2 trainable parameters (this config trains " + trained.size()
                    + "); use nelder_mead or cmaes");
        }
        for (int i = 0; i < t.trainable().size(); i++) {
            if (rig.parameter(t.trainable().get(i)).isEmpty()) {
                fail("trainable[" + i + "]", "'" + t.trainable().get(i) + "' is not a parameter of rig " + rig.id());
            }
        }
        if (config.optimization().optimizer() == TrainingConfig.Optimizer.BAYES) {
            bayes(trained);
        }
        for (Map.Entry<String, Map<String, Double>> values : Map.of("initial", t.initial(), "anchor", t.anchor()).entrySet()) {
            try {
                rig.withOverrides(values.getValue());
            } catch (RigConfigurationException e) {
                fail(values.getKey(), e.getMessage());
            }
        }
        List<List<String>> pairs = config.loss().orderPairs();
        for (int i = 0; i < pairs.size(); i++) {
            for (String ch : pairs.get(i)) {
                if (!channels.contains(ch)) {
                    fail("order_pairs[" + i + "]", "'" + ch + "' is not a channel of rig " + rig.id() + " " + channels);
                }
            }
        }
        for (String ch : t.targetChannels()) {
            if (!channels.contains(ch)) {
                fail("target_channels", "'" + ch + "' is not a channel of rig " + rig.id() + " " + channels);
            }
        }
        for (String in : t.fixedInputsNs().keySet()) {
            if (!inputs.contains(in) || in.equals(inputs.get(0))) {
                fail("fixed_inputs_ns." + in, "not an input of rig " + rig.id() + " other than " + inputs.get(0) + " " + inputs);
            }
        }
        if (!t.expectedCounts().isEmpty() && t.expectedCounts().size() != channels.size()) {
            fail("expected_counts", "needs one count per channel (" + channels.size() + "), got " + t.expectedCounts().size());
        }
        int perTrace = t.targetChannels().isEmpty() ? channels.size() : t.targetChannels().size();
        t.targetsNs().forEach((delay, list) -> {
            if (list.size() != perTrace) {
                fail("targets_ns." + delay, "needs " + perTrace + " values (one per channel, null for none), got " + list.size());
            }
        });
        for (int i = 0; i < t.patterns().size(); i++) {
            pattern("patterns[" + i + "]", t.patterns().get(i), channels, inputs, trained);
        }
    }

    /**
     * The surrogate's points fit in {@link BayesStepper#MAX_POINTS}; a warm start trained the same
     * parameters and stays inside their bounds (points outside are refused, not dropped: a
     * narrowed range is a new problem, and a silently shrunk warm start would hide it).
     */
    private void bayes(List<String> trained) {
        TrainingConfig.Bayes b = config.bayes();
        int warm = b.warmStart().map(w -> w.points().size()).orElse(0);
        int initial = b.initial().orElse(warm > 0 ? 1 : 2 * trained.size() + 1);
        long total = warm + initial + (long) b.batch() * (config.iterations() - 1);
        if (total > BayesStepper.MAX_POINTS) {
            fail("iterations", "bayes would fit its surrogate to " + total + " points (" + (warm > 0 ? warm + " from warm_start + " : "")
                    + initial + " in round 0 + bayes_batch " + b.batch() + " × " + (config.iterations() - 1) + " rounds); at most "
                    + BayesStepper.MAX_POINTS + ": lower iterations or bayes_batch");
        }
        if (b.warmStart().isEmpty()) {
            return;
        }
        WarmStart w = b.warmStart().get();
        if (!new java.util.HashSet<>(w.parameters()).equals(new java.util.HashSet<>(trained))) {
            fail("warm_start", w.written() + " trained " + w.parameters() + ", this config trains " + trained
                    + "; a warm start needs the same trainable parameters");
        }
        for (int r = 0; r < w.points().size(); r++) {
            for (String name : trained) {
                ParameterSpec p = rig.parameter(name).orElseThrow();
                double v = w.points().get(r).get(name);
                if (v < p.min() - 1e-9 * p.range() || v > p.max() + 1e-9 * p.range()) {
                    fail("warm_start", w.written() + " iteration row " + (r + 1) + ": " + name + " " + org.tileloop.rig.Numbers.plain(v)
                            + " is outside its training bounds [" + org.tileloop.rig.Numbers.plain(p.min()) + ", "
                            + org.tileloop.rig.Numbers.plain(p.max()) + "] of rig " + rig.id() + "; a warm start takes points inside the bounds only");
                }
            }
        }
    }

    private void pattern(String key, TrainingConfig.Pattern p, List<String> channels, List<String> inputs, List<String> trained) {
        p.inputsNs().keySet().stream().filter(in -> !inputs.contains(in)).findFirst()
                .ifPresent(in -> fail(key + ".inputs_ns", "'" + in + "' is not an input of rig " + rig.id() + " " + inputs));
        p.set().keySet().stream().filter(n -> rig.parameter(n).isEmpty()).findFirst()
                .ifPresent(n -> fail(key + ".set", "'" + n + "' is not a parameter of rig " + rig.id()));
        p.set().keySet().stream().filter(trained::contains).findFirst()
                .ifPresent(n -> fail(key + ".set", "pattern " + p.name() + ": '" + n + "' is trained; a pattern may only set untrained parameters"));
        p.classLabel().filter(c -> !channels.contains(c))
                .ifPresent(c -> fail(key + ".class", "'" + c + "' is not a channel of rig " + rig.id() + " " + channels));
        if (!p.targetsNs().isEmpty() && p.targetsNs().size() != channels.size()) {
            fail(key + ".targets_ns", "needs " + channels.size() + " values (one per channel), got " + p.targetsNs().size());
        }
    }

    private void fail(String key, String what) {
        throw new RigConfigurationException(file + ": " + key + ": " + what);
    }
}
