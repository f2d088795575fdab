package org.tileloop.telemetry;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * The broker a daemon publishes to: a configured one ({@link Telemetry#configuredBroker}), or a
 * local mosquitto it supervises ({@link Telemetry#localBroker}), which has generated credentials
 * for the daemon, operators and monitors.
 */
public interface DaemonBroker extends AutoCloseable {

    /** How the daemon connects. */
    BrokerSettings settings();

    /** The local broker's port on 127.0.0.1; empty for a configured broker. */
    OptionalInt localPort();

    /**
     * Tells clients on this machine how to reach the daemon of {@code host}: for a local broker,
     * writes its URL, the host id and the operator and monitor credentials to {@code broker.json}
     * in the state directory (mode 600). Call once the daemon answers commands. Nothing for a
     * configured broker.
     */
    void announce(String host) throws IOException;

    /** Stops a local broker; nothing for a configured one. */
    @Override
    void close();
}
