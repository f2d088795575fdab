package org.tileloop.rig;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One stimulus's measurement.
 *
 * @param channels    a result per channel, in channel order
 * @param energyPj    energy drawn from the supply during the measurement window, pJ; empty when the
 *                    rig cannot tell or stopped after the first spikes
 * @param spikeCounts {@link SpikeCounts#COMPLETE}: every channel's spike count is present and true;
 *                    {@link SpikeCounts#TRUNCATED}: every channel's spike count is empty
 */
public record StimulusResult(Stimulus stimulus, List<ChannelResult> channels, OptionalDouble energyPj, SpikeCounts spikeCounts) {

    public StimulusResult {
        channels = List.copyOf(channels);
        Objects.requireNonNull(spikeCounts, "spikeCounts");
        boolean complete = spikeCounts == SpikeCounts.COMPLETE;
        for (ChannelResult c : channels) {
            if (c.spikeCount().isPresent() != complete) {
                throw new IllegalArgumentException("channel " + c.name() + (complete ? " has no spike count in a complete result"
                        : " has a spike count in a truncated result"));
            }
        }
    }

    /** A full-window result ({@link SpikeCounts#COMPLETE}). */
    public StimulusResult(Stimulus stimulus, List<ChannelResult> channels, OptionalDouble energyPj) {
        this(stimulus, channels, energyPj, SpikeCounts.COMPLETE);
    }
}
