package org.tileloop.train;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.tileloop.rig.Stimulus;

/**
 * One stimulus the trainer scores, with what each channel should do.
 *
 * @param split {@code train} or {@code holdout}
 * @param targetsNs per channel (rig channel order): target first-spike time, or empty when the
 *                  channel has no timing target
 * @param expectedCounts per channel: expected spike count, or empty when counts do not matter
 * @param pattern the task pattern's name, empty for a delay trace
 * @param set parameters this trace sets itself (e.g. a pattern's input amplitude), never trainable ones
 * @param label for classification, the channel (index) that should fire first; -1 for none
 */
public record Trace(String split, Stimulus stimulus, List<OptionalDouble> targetsNs, List<OptionalInt> expectedCounts,
                    String pattern, java.util.Map<String, Double> set, int label) {

    public static final String TRAIN = "train";
    public static final String HOLDOUT = "holdout";

    public Trace {
        targetsNs = List.copyOf(targetsNs);
        expectedCounts = List.copyOf(expectedCounts);
        set = java.util.Map.copyOf(set);
    }

    /** A delay trace (no pattern name, no parameter settings of its own). */
    public Trace(String split, Stimulus stimulus, List<OptionalDouble> targetsNs, List<OptionalInt> expectedCounts) {
        this(split, stimulus, targetsNs, expectedCounts, "", java.util.Map.of(), -1);
    }

    /** {@code v} with this trace's own parameter settings (a pattern's amplitudes). */
    public org.tileloop.rig.ParameterVector apply(org.tileloop.rig.ParameterVector v) {
        for (var e : new java.util.TreeMap<>(set).entrySet()) {
            v = v.with(e.getKey(), e.getValue());
        }
        return v;
    }
}
