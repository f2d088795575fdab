package org.tileloop.telemetry.internal;

import static org.tileloop.telemetry.internal.PahoClients.message;
import static org.tileloop.telemetry.internal.PahoClients.sleep;
import static org.tileloop.telemetry.internal.PahoClients.subscription;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Bus;
import org.tileloop.telemetry.BusMessage;

/**
 * {@link Bus} on Eclipse Paho: the first connect is retried every second in the background
 * (Paho reconnects by itself only after a first success), clean start, subscriptions renewed in
 * {@code connectComplete}, every message routed from the global callback by matching the
 * subscription filters ourselves ({@code $share/<group>/} stripped first).
 */
public final class PahoBus implements Bus {

    private static final Logger LOG = LoggerFactory.getLogger(PahoBus.class);

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final List<Map.Entry<String, Consumer<BusMessage>>> subscriptions = new CopyOnWriteArrayList<>();
    private final List<Runnable> onConnect = new CopyOnWriteArrayList<>();
    private final ExecutorService actions;
    private final Thread connector;
    private volatile boolean everConnected;
    private volatile boolean closing;

    public PahoBus(BrokerSettings broker, String clientId, Optional<Will> will) {
        try {
            this.client = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new org.tileloop.input.BadInputException("MQTT broker URL " + broker.url() + ": "
                    + org.tileloop.input.StrictInput.oneLine(e.getMessage()), e);
        }
        this.options = PahoClients.connectionOptions(broker);
        options.setCleanStart(true);
        will.ifPresent(w -> options.setWill(w.topic(), message(w.payload(), w.retained())));
        this.actions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mqtt-on-connect");
            t.setDaemon(true);
            return t;
        });
        client.setCallback(new CallbackAdapter() {
            @Override
            public void connectComplete(boolean reconnect, String uri) {
                everConnected = true;
                for (var s : subscriptions) {
                    try {
                        client.subscribe(subscription(s.getKey()));
                    } catch (MqttException e) {
                        LOG.warn("subscribing to {} failed: {}", s.getKey(), e.getMessage());
                    }
                }
                onConnect.forEach(actions::execute);
            }

            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
                LOG.info("MQTT disconnected: {}", r.getReasonString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                MqttProperties p = m.getProperties();
                byte[] correlation = p == null || p.getCorrelationData() == null ? new byte[0] : p.getCorrelationData();
                BusMessage message = new BusMessage(topic, m.getPayload(), m.isRetained(),
                        Optional.ofNullable(p == null ? null : p.getResponseTopic()), correlation);
                for (var s : subscriptions) {
                    if (MqttTopicValidator.isMatched(unshared(s.getKey()), topic)) {
                        try {
                            s.getValue().accept(message);
                        } catch (RuntimeException e) {
                            LOG.error("handling a message on {} failed: {}", topic, e.toString());
                        }
                    }
                }
            }
        });
        connector = new Thread(this::firstConnect, "mqtt-connect");
        connector.setDaemon(true);
        connector.start();
    }

    /** The topic filter of a subscription: {@code $share/<group>/<filter>} → {@code <filter>}. */
    static String unshared(String filter) {
        if (!filter.startsWith("$share/")) {
            return filter;
        }
        int slash = filter.indexOf('/', "$share/".length());
        return slash < 0 ? filter : filter.substring(slash + 1);
    }

    private void firstConnect() {
        while (!closing && !everConnected) {
            try {
                client.connect(options).waitForCompletion(10_000);
                return;
            } catch (MqttException e) {
                LOG.debug("MQTT connect failed ({}); retrying", e.getMessage());
                sleep(1000);
            } catch (RuntimeException e) {
                LOG.error("MQTT connect failed: {}; retrying", e.getMessage());
                sleep(5000);
            }
        }
    }

    @Override
    public void subscribe(String filter, Consumer<BusMessage> handler) {
        subscriptions.add(Map.entry(filter, handler));
        if (client.isConnected()) {
            try {
                client.subscribe(subscription(filter));
            } catch (MqttException e) {
                LOG.warn("subscribing to {} failed: {}", filter, e.getMessage());
            }
        }
    }

    @Override
    public void onConnect(Runnable action) {
        onConnect.add(action);
        if (client.isConnected()) {
            actions.execute(action);
        }
    }

    @Override
    public boolean publish(String topic, byte[] payload, boolean retained) {
        return send(topic, message(payload, retained));
    }

    @Override
    public boolean publish(String topic, byte[] payload, Optional<String> responseTopic, byte[] correlation) {
        MqttMessage m = message(payload, false);
        MqttProperties props = new MqttProperties();
        responseTopic.ifPresent(props::setResponseTopic);
        if (correlation.length > 0) {
            props.setCorrelationData(correlation);
        }
        m.setProperties(props);
        return send(topic, m);
    }

    /** Hands the message to Paho, waiting up to 2 s while too many are in flight. */
    private boolean send(String topic, MqttMessage m) {
        if (m.getPayload().length > maxPayloadBytes()) {
            LOG.error("message on {} of {} bytes exceeds {} bytes: not sent", topic, m.getPayload().length, maxPayloadBytes());
            return false;
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            if (!client.isConnected() || closing) {
                return false;
            }
            try {
                client.publish(topic, m);
                return true;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    LOG.debug("publishing on {} failed: {}", topic, e.getMessage());
                    return false;
                }
                sleep(2);
            }
        }
    }

    @Override
    public boolean awaitReady(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!client.isConnected()) {
            if (System.currentTimeMillis() > deadline || closing) {
                return false;
            }
            sleep(20);
        }
        try {
            for (var s : subscriptions) {
                client.subscribe(subscription(s.getKey())).waitForCompletion(Math.max(1, deadline - System.currentTimeMillis()));
            }
            return true;
        } catch (MqttException e) {
            LOG.warn("subscribing failed: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public boolean connected() {
        return client.isConnected();
    }

    @Override
    public int maxPayloadBytes() {
        return PahoSession.MAX_PAYLOAD_BYTES;
    }

    @Override
    public void close(Optional<Will> lastWords) {
        if (closing) {
            return;
        }
        try {
            if (lastWords.isPresent() && client.isConnected()) {
                Will w = lastWords.get();
                client.publish(w.topic(), message(w.payload(), w.retained())).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("MQTT last words: {}", e.getMessage());
        }
        closing = true;
        connector.interrupt();
        actions.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2000);
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT close: {}", e.getMessage());
        }
    }
}
