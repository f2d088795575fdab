package org.tileloop.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Publishes telemetry under {@code tileloop/v1/<host>/} (see README, "Telemetry"). Every payload
 * gets {@code schema} and a per-stream {@code seq} (0, 1, 2 … per topic) so subscribers see gaps.
 *
 * <p>Threading and timing: {@link #publish} never blocks and never throws; messages are queued
 * and sent in order by a background thread, held while the broker is unreachable (including
 * before the first successful connect) and delivered QoS 1 when it is back.
 */
public interface TelemetryPublisher extends AutoCloseable {

    /**
     * @param stream topic below the host root, e.g. {@code rig/sim-tile4/iteration}
     * @param retained true only for state topics
     */
    void publish(String stream, ObjectNode payload, boolean retained);

    /** Publishes nothing more; {@code deathReason} non-null sends a final death message first. */
    void close(String deathReason);

    @Override
    default void close() {
        close("shutdown");
    }
}
