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
 * @param windowNs    where the measurement window ended, ns of stimulus time on the rig's own
 *                    clock: a channel without a first spike did not fire before it (a rig that stops
 *                    early only does so once every channel has fired); empty when the rig cannot tell
 */
public record StimulusResult(Stimulus stimulus, List<ChannelResult> channels, OptionalDouble energyPj, SpikeCounts spikeCounts,
                             OptionalDouble windowNs) {

    public StimulusResult {
        channels = List.copyOf(channels);
        Objects.requireNonNull(spikeCounts, "spikeCounts");
        Objects.requireNonNull(windowNs, "windowNs");
        boolean complete = spikeCounts == SpikeCounts.COMPLETE;
        for (ChannelResult c : channels) {
            if (c.spikeCount().isPresent() != complete) {
                throw new IllegalArgumentException("channel " + c.name() + (complete ? " has no spike count in a complete result"
                        : " has a spike count in a truncated result"));
            }
        }
        if (windowNs.isPresent() && !(windowNs.getAsDouble() > 0 && Double.isFinite(windowNs.getAsDouble()))) {
            throw new IllegalArgumentException("window end " + windowNs.getAsDouble() + " ns is not a positive finite time");
        }
    }

    /** A result whose rig does not tell where its window ended. */
    public StimulusResult(Stimulus stimulus, List<ChannelResult> channels, OptionalDouble energyPj, SpikeCounts spikeCounts) {
        this(stimulus, channels, energyPj, spikeCounts, OptionalDouble.empty());
    }

    /** A full-window result ({@link SpikeCounts#COMPLETE}) without a known window end. */
    public StimulusResult(Stimulus stimulus, List<ChannelResult> channels, OptionalDouble energyPj) {
        this(stimulus, channels, energyPj, SpikeCounts.COMPLETE);
    }
}
