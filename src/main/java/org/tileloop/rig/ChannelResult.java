package org.tileloop.rig;

import java.util.List;
import java.util.Optional;

/** What one channel did during one stimulus: every spike, in time order. */
public record ChannelResult(String name, List<Timing> spikes) {

    public ChannelResult {
        spikes = List.copyOf(spikes);
    }

    public Optional<Timing> firstSpike() {
        return spikes.isEmpty() ? Optional.empty() : Optional.of(spikes.get(0));
    }

    public int spikeCount() {
        return spikes.size();
    }
}
