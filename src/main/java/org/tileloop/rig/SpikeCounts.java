package org.tileloop.rig;

/** Whether a {@link StimulusResult}'s spike counts are known. */
public enum SpikeCounts {
    /** The whole window was measured: every channel's {@link ChannelResult#spikeCount()} is its true count. */
    COMPLETE,
    /**
     * The rig stopped after the first spikes ({@link Probe.Window#FIRST_SPIKES}): each channel holds
     * at most its first spike, and every {@link ChannelResult#spikeCount()} is empty.
     */
    TRUNCATED
}
