package org.tileloop.telemetry;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A plain MQTT 5 connection for peers that are not a host's daemon (fleet workers and requesters):
 * QoS 1 publishing, subscriptions renewed after every reconnect, request/response through the
 * response topic and correlation data, and a Will. Made by {@link Telemetry#bus}.
 *
 * <p>Delivery is at least once while connected; a publish while disconnected is refused (returns
 * false) rather than queued, so the caller's own protocol decides what to send again.
 *
 * <p>Threading: every method may be called from any thread. Handlers run on the client's single
 * callback thread, in arrival order; they must return quickly and must not call {@link #awaitReady}.
 * Messages are matched to handlers by this client, also for {@code $share/<group>/} subscriptions
 * (which the MQTT library does not route to per-subscription listeners).
 */
public interface Bus extends AutoCloseable {

    /** The message the broker publishes for this client when its connection is lost without a clean close. */
    record Will(String topic, byte[] payload, boolean retained) {
    }

    /** Subscribes (QoS 1) now when connected, and again after every reconnect. */
    void subscribe(String filter, Consumer<BusMessage> handler);

    /** Runs {@code action} (off the callback thread) after every (re)connect, once the subscriptions are renewed: e.g. a birth. */
    void onConnect(Runnable action);

    /** Publishes QoS 1; false when not connected (nothing was sent). */
    boolean publish(String topic, byte[] payload, boolean retained);

    /** Publishes a request or a reply (QoS 1, not retained) with a response topic and correlation data; false when not connected. */
    boolean publish(String topic, byte[] payload, Optional<String> responseTopic, byte[] correlation);

    /** Waits until connected with every subscription acknowledged; false after {@code timeoutMs}. */
    boolean awaitReady(long timeoutMs);

    /** Whether the client is connected now. */
    boolean connected();

    /** Largest payload {@link #publish} sends, bytes; a larger one is refused (returns false). */
    int maxPayloadBytes();

    /** Disconnects cleanly (no Will); {@code lastWords}, when present, is published first. */
    void close(Optional<Will> lastWords);

    @Override
    default void close() {
        close(Optional.empty());
    }
}
