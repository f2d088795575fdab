package org.tileloop.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * A daemon's connection to its broker ({@link Telemetry#connect}): telemetry as a
 * {@link TelemetryPublisher}, a birth message on every (re)connect, the MQTT Will as death, and
 * the host's command topic with replies.
 */
public interface TelemetrySession extends TelemetryPublisher {

    /** Longest correlation data a command may carry, bytes (it is echoed in the reply). */
    int MAX_CORRELATION_BYTES = 256;

    /**
     * Subscribes to the host's command topic ({@link Topics#commands}) now and again after every
     * reconnect. {@code handler} runs on the client's callback thread, must return quickly and
     * must not call {@link #awaitReady}.
     */
    void onCommand(Consumer<CommandMessage> handler);

    /**
     * Blocks until the session is connected and the broker has acknowledged every subscription,
     * so a command sent after this returns reaches the handler.
     *
     * @return false when that did not happen within {@code timeoutMs} (the session keeps trying)
     */
    boolean awaitReady(long timeoutMs);

    /** This process's session id, carried by every payload and the retained host status. */
    String sessionId();

    /** Publishes the birth message now (as on a connect), e.g. before a job starts. */
    void publishBirth();

    /**
     * Sends a command reply to {@code topic} with the request's correlation data; a reply too
     * large for the broker is replaced by an error reply saying so. Never blocks.
     */
    void reply(String topic, byte[] correlation, ObjectNode payload);
}
