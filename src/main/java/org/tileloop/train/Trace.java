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
 */
public record Trace(String split, Stimulus stimulus, List<OptionalDouble> targetsNs, List<OptionalInt> expectedCounts) {

    public static final String TRAIN = "train";
    public static final String HOLDOUT = "holdout";

    public Trace {
        targetsNs = List.copyOf(targetsNs);
        expectedCounts = List.copyOf(expectedCounts);
    }
}
