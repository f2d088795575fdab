package org.tileloop.rig;

/**
 * One output channel: a neuron output probed for spikes.
 *
 * @param node probe node (simulator node name or bench channel label)
 * @param thresholdV rising crossing of this voltage is a spike
 * @param hysteresisV the signal must fall below {@code thresholdV - hysteresisV} before the next spike counts
 */
public record ChannelSpec(String name, String node, double thresholdV, double hysteresisV) {
}
