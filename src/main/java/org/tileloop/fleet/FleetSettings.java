package org.tileloop.fleet;

import org.tileloop.telemetry.BrokerSettings;

/**
 * How a requester uses the fleet.
 *
 * @param broker        the fleet's broker
 * @param workerWaitS   a batch fails ({@code RigUnavailableException}) when no worker took, beat or returned work for this long
 * @param beatTimeoutS  a chunk whose worker sent no beat for this long is issued again
 * @param holdS         how long an idle worker's ask is held before it is told there is no work (it then asks again)
 * @param maxChunk      most probes in one chunk
 */
public record FleetSettings(BrokerSettings broker, double workerWaitS, double beatTimeoutS, double holdS, int maxChunk) {

    public FleetSettings {
        if (!(workerWaitS > 0 && beatTimeoutS > 0 && holdS > 0) || maxChunk < 1 || maxChunk > ChunkCodec.MAX_PROBES) {
            throw new IllegalArgumentException("fleet settings out of range");
        }
    }

    /** Workers have 60 s to show up, 5 s between beats, asks held 2 s, chunks of at most 16 probes. */
    public static FleetSettings of(BrokerSettings broker) {
        return new FleetSettings(broker, 60, 5, 2, 16);
    }
}
