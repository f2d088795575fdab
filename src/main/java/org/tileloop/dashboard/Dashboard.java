package org.tileloop.dashboard;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;

/**
 * A live web dashboard of every daemon on a broker: subscribes to {@code tileloop/v1/#} (monitor
 * credentials suffice), keeps the last state of each host, rig and run in memory and serves a page,
 * {@code /api/state} and the event stream {@code /api/events} (see README, "Dashboard"). A message
 * reaches the event streams as soon as it is reduced, on the MQTT client's thread; each stream
 * writes on its own thread. Closing it disconnects and stops the server.
 */
public final class Dashboard implements AutoCloseable {

    /** How often the MQTT connection is checked, ms. */
    private static final long CONNECTION_CHECK_MS = 1_000;

    private final DashboardState state;
    private final DashboardServer server;
    private final Telemetry.Subscription subscription;
    private final ScheduledExecutorService watch;

    private Dashboard(DashboardState state, DashboardServer server, Telemetry.Subscription subscription) {
        this.state = state;
        this.server = server;
        this.subscription = subscription;
        this.watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-mqtt-watch");
            t.setDaemon(true);
            return t;
        });
        watch.scheduleWithFixedDelay(() -> state.connected(subscription.connected()), 0, CONNECTION_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts serving on {@code options}' address, then connects to {@code broker} as {@code clientId}
     * (a unique MQTT client id), watching every host or only {@code host} when it is not null.
     *
     * @throws org.tileloop.input.BadInputException when the address cannot be bound
     * @throws org.tileloop.rig.RigUnavailableException when the broker cannot be reached
     */
    public static Dashboard start(DashboardOptions options, BrokerSettings broker, String clientId, String host) {
        DashboardState state = new DashboardState(options.runsDir());
        DashboardServer server = new DashboardServer(state, new InetSocketAddress(options.bind(), options.port()), options.token(),
                options.runsDir(), DashboardServer.KEEP_ALIVE_MS, DashboardServer.MAX_QUEUED_BYTES);
        try {
            Telemetry.Subscription s = Telemetry.subscribe(broker, clientId, Topics.everything(host), false,
                    (topic, payload) -> state.accept(topic, payload, System.currentTimeMillis()));
            return new Dashboard(state, server, s);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI url() {
        return server.url();
    }

    @Override
    public void close() {
        watch.shutdownNow();
        subscription.close();
        server.close();
    }
}
