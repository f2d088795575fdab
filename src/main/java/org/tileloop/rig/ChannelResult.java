package org.tileloop.rig;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one channel did during one stimulus.
 *
 * @param name       the channel's name
 * @param spikes     the timed spikes, in time order; all of them, or the first ones a rig kept (a
 *                   bench controller stores at most {@code max_spikes} timestamps per channel), or
 *                   the first spike only when the rig stopped early
 * @param spikeCount how many spikes the channel fired in the whole measurement window; at least
 *                   {@code spikes.size()}, more when the rig counted spikes it did not time; empty
 *                   when the rig stopped after the first spikes and the count is unknown
 */
public record ChannelResult(String name, List<Timing> spikes, OptionalInt spikeCount) {

    public ChannelResult {
        spikes = List.copyOf(spikes);
        Objects.requireNonNull(spikeCount, "spikeCount");
        if (spikeCount.isPresent() && spikeCount.getAsInt() < spikes.size()) {
            throw new IllegalArgumentException("channel " + name + ": spike count " + spikeCount.getAsInt()
                    + " is less than the " + spikes.size() + " timed spikes");
        }
    }

    /** A channel whose every spike in the window was timed: the count is {@code spikes.size()}. */
    public static ChannelResult counted(String name, List<Timing> spikes) {
        return new ChannelResult(name, spikes, OptionalInt.of(spikes.size()));
    }

    /** A channel measured until its first spike only: the count is unknown. */
    public static ChannelResult uncounted(String name, List<Timing> spikes) {
        return new ChannelResult(name, spikes, OptionalInt.empty());
    }

    public Optional<Timing> firstSpike() {
        return spikes.isEmpty() ? Optional.empty() : Optional.of(spikes.get(0));
    }
}
