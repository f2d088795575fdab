package org.tileloop.rig;

import java.util.List;
import java.util.OptionalDouble;

/**
 * One stimulus's measurement: a result per channel in channel order, and the energy drawn
 * from the supply during the measurement window when the rig can tell. When {@code fullWindow}
 * is false (a {@link Probe.Window#FIRST_SPIKES} measurement) each channel holds its first spike
 * only and there is no energy: counts are unknown.
 */
public record StimulusResult(Stimulus stimulus, List<ChannelResult> channels, OptionalDouble energyPj, boolean fullWindow) {

    public StimulusResult {
        channels = List.copyOf(channels);
    }

    /** A full-window result. */
    public StimulusResult(Stimulus stimulus, List<ChannelResult> channels, OptionalDouble energyPj) {
        this(stimulus, channels, energyPj, true);
    }
}
