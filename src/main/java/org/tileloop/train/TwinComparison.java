package org.tileloop.train;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the simulated twin said in one iteration of a run with a twin: per channel its first spike
 * at the same parameter vector and the gap to the rig, the agreement of the two gradients, and,
 * for {@code twin_gauss_newton}, which Jacobian the step used. A gap that grows over a run is a
 * drift signal.
 *
 * @param channels per channel, in the rig's order
 * @param gradientCosine cosine between the twin's and the rig's train-loss gradients, when the rig's was measured
 * @param jacobian twin_gauss_newton only: where the step's Jacobian came from
 * @param jacobianCosine when the rig's Jacobian was measured: its cosine with the twin's (both flattened)
 * @param stimuli stimuli the twin measured in this iteration
 */
public record TwinComparison(List<ChannelGap> channels, OptionalDouble gradientCosine, Optional<JacobianSource> jacobian,
                             OptionalDouble jacobianCosine, int stimuli) {

    public TwinComparison {
        channels = List.copyOf(channels);
    }

    /**
     * One channel over the train traces where both rigs fired.
     *
     * @param twinNs the twin's mean first spike, ns
     * @param gapNs the mean of (rig − twin) first spike, ns
     */
    public record ChannelGap(String channel, OptionalDouble twinNs, OptionalDouble gapNs) {
    }

    /** The rig a Jacobian was measured on. */
    public enum JacobianSource {
        TWIN, RIG;

        /** The name as written in files. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
