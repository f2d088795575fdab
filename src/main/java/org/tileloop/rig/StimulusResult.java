package org.tileloop.rig;

import java.util.List;
import java.util.OptionalDouble;

/**
 * One stimulus's measurement: a result per channel in channel order, and the energy drawn
 * from the supply during the measurement window when the rig can tell.
 */
public record StimulusResult(Stimulus stimulus, List<ChannelResult> channels, OptionalDouble energyPj) {

    public StimulusResult {
        channels = List.copyOf(channels);
    }
}
