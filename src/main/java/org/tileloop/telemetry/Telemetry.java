package org.tileloop.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.tileloop.telemetry.internal.DaemonBrokers;
import org.tileloop.telemetry.internal.MqttRequestClient;
import org.tileloop.telemetry.internal.MqttRequester;
import org.tileloop.telemetry.internal.MqttSubscriber;
import org.tileloop.telemetry.internal.PahoSession;

/**
 * Entry point to MQTT: every connection, subscription and broker is made here, so nothing
 * outside {@code telemetry.internal} names the MQTT client or its types.
 */
public final class Telemetry {

    private Telemetry() {
    }

    /** Requests to one daemon over one connection (benchmarks, scripts); closing it disconnects. Thread-safe. */
    public interface RequestClient extends AutoCloseable {
        /**
         * Sends {@code command} and waits up to {@code timeoutS} for its reply.
         *
         * @throws org.tileloop.rig.RigUnavailableException when no reply comes
         */
        ObjectNode request(ObjectNode command, int timeoutS);

        @Override
        void close();
    }

    /** Connects a {@link RequestClient} to the daemon of {@code host} (within {@code timeoutS}). */
    public static RequestClient requestClient(BrokerSettings broker, String host, int timeoutS) {
        return new MqttRequestClient(broker, host, timeoutS);
    }

    /** A telemetry subscription; closing it disconnects. */
    public interface Subscription extends AutoCloseable {
        /** Whether the client is connected to the broker now (it reconnects by itself). */
        boolean connected();

        @Override
        void close();
    }

    /**
     * Starts a local mosquitto on 127.0.0.1 (1883 when free, else any free port) with generated
     * credentials, its config, password file, ACL and persistence in {@code stateDir/broker/};
     * anonymous clients may read telemetry, never publish.
     */
    public static DaemonBroker localBroker(Path stateDir) throws IOException {
        return DaemonBrokers.local(stateDir);
    }

    /**
     * A configured broker: {@code url}, optional {@code username} and {@code passwordFile} (its
     * stripped text is the password), {@code caFile} for {@code ssl://}.
     *
     * @throws org.tileloop.input.BadInputException naming the daemon config key at fault
     *         ({@code broker.url}, {@code broker.password_file}, {@code broker.ca_file})
     */
    public static DaemonBroker configuredBroker(String url, String username, Path passwordFile, Path caFile) {
        return DaemonBrokers.configured(url, username, passwordFile, caFile);
    }

    /**
     * Connects as {@code host}'s daemon and returns at once; the first connect is retried in the
     * background until it succeeds.
     *
     * @param birth the birth payload (rigs and metrics), asked for on every connect
     */
    public static TelemetrySession connect(BrokerSettings broker, String host, Supplier<ObjectNode> birth) {
        return new PahoSession(broker, host, "tileloop-daemon-" + host, birth);
    }

    /**
     * Sends {@code command} to the daemon of {@code host} and waits up to {@code timeoutS} for its reply.
     *
     * @throws org.tileloop.rig.RigUnavailableException when the broker refuses or no reply comes
     */
    public static ObjectNode request(BrokerSettings broker, String host, ObjectNode command, int timeoutS) {
        return MqttRequester.request(broker, host, command, timeoutS);
    }

    /**
     * The same request as every other call with {@code requestId} (letters and digits): a retry
     * after a lost reply is answered from the daemon's reply cache, never run twice.
     */
    public static ObjectNode request(BrokerSettings broker, String host, ObjectNode command, int timeoutS, String requestId) {
        return MqttRequester.request(broker, host, command, timeoutS, requestId);
    }

    /**
     * Connects a {@link Bus} as {@code clientId} and returns at once; the first connect is retried
     * in the background until it succeeds. {@code will} is what the broker publishes when the
     * connection is lost without a clean close.
     */
    public static Bus bus(BrokerSettings broker, String clientId, Optional<Bus.Will> will) {
        return new org.tileloop.telemetry.internal.PahoBus(broker, clientId, will);
    }

    /**
     * Subscribes (QoS 1) to {@code filter}, reconnecting and re-subscribing by itself;
     * {@code handler} gets each message's topic and payload. {@code persistent}: the broker keeps
     * the session (fixed {@code clientId}, 24 h) and queues messages while it is away.
     */
    public static Subscription subscribe(BrokerSettings broker, String clientId, String filter, boolean persistent,
                                         BiConsumer<String, byte[]> handler) {
        return new MqttSubscriber(broker, clientId, filter, persistent, handler);
    }
}
