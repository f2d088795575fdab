package org.tileloop.telemetry.internal;

import static org.tileloop.telemetry.internal.PahoClients.bytes;
import static org.tileloop.telemetry.internal.PahoClients.message;
import static org.tileloop.telemetry.internal.PahoClients.sleep;
import static org.tileloop.telemetry.internal.PahoClients.subscription;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.CommandMessage;
import org.tileloop.telemetry.TelemetrySession;
import org.tileloop.telemetry.Topics;

/**
 * One MQTT v5 connection (Eclipse Paho) for a host: telemetry publishing through an ordered,
 * non-blocking queue, a birth message on every (re)connect, the Will as death, command
 * subscriptions re-established after every reconnect.
 *
 * <p>Paho reconnects automatically only after a first successful connect, so the first connect
 * is retried here every second. Messages wait in our own ordered queue whenever the client is
 * not connected, and every message handed to Paho is kept until its PUBACK arrives; after a
 * reconnect the unacknowledged ones are sent again, ahead of newer ones (at least once; the
 * per-stream {@code seq} lets subscribers drop repeats). We do not rely on Paho's disconnected
 * buffer plus a resumed session: with Paho 1.2.5 against mosquitto 2.0.11, resuming the
 * session made the broker drop the connection with a protocol error after every reconnect.
 */
public final class PahoSession implements TelemetrySession {

    private static final Logger LOG = LoggerFactory.getLogger(PahoSession.class);

    private record Item(String topic, byte[] payload, boolean retained, MqttProperties properties) {
    }

    private final String host;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final Supplier<ObjectNode> birth;
    private final LinkedBlockingDeque<Item> queue = new LinkedBlockingDeque<>(1_000_000);
    private final Map<String, AtomicLong> seq = new ConcurrentHashMap<>();
    private final List<Map.Entry<String, BiConsumer<String, MqttMessage>>> subscriptions = new CopyOnWriteArrayList<>();
    private final Thread sender;
    private final Thread connector;
    private volatile boolean everConnected;
    private volatile boolean closing;
    private final AtomicLong connects = new AtomicLong();
    /** Handed to Paho, PUBACK not yet seen, in sending order: sent again after a reconnect. */
    private final Map<Long, Item> unacked = new java.util.TreeMap<>();
    private long sent;
    /** The last retained message per topic, sent again on every (re)connect (same bytes, same {@code seq}). */
    private final Map<String, Item> retained = new ConcurrentHashMap<>();
    private final String sessionId = String.format("%016x", new java.security.SecureRandom().nextLong());
    private volatile boolean online;

    /**
     * @param birth the birth payload (rigs and metrics), asked for on every connect
     */
    public PahoSession(BrokerSettings broker, String host, String clientId, Supplier<ObjectNode> birth) {
        this.host = host;
        this.birth = birth;
        try {
            this.client = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new org.tileloop.input.BadInputException("MQTT broker URL " + broker.url() + ": "
                    + org.tileloop.input.StrictInput.oneLine(e.getMessage()), e);
        }
        this.options = PahoClients.connectionOptions(broker);
        options.setCleanStart(true);
        ObjectNode will = status("offline", "connection lost");
        will.remove("time");
        options.setWill(Topics.stream(host, Topics.STATUS), message(bytes(will), true));
        client.setCallback(new Callback());
        sender = new Thread(this::send, "mqtt-sender");
        sender.setDaemon(true);
        connector = new Thread(this::firstConnect, "mqtt-connect");
        connector.setDaemon(true);
        sender.start();
        connector.start();
    }

    private void firstConnect() {
        while (!closing && !everConnected) {
            try {
                client.connect(options).waitForCompletion(10_000);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() == 0x86 || e.getReasonCode() == 0x87 || e.getReasonCode() == 4 || e.getReasonCode() == 5) {
                    LOG.error("MQTT broker refused our credentials: {}", e.getMessage());
                }
                LOG.debug("MQTT connect failed ({}); retrying", e.getMessage());
                sleep(1000);
            } catch (RuntimeException e) {
                LOG.error("MQTT connect failed: {}; retrying", e.getMessage());
                sleep(5000);
            }
        }
    }

    private final class Callback extends CallbackAdapter {
        @Override
        public void connectComplete(boolean reconnect, String uri) {
            everConnected = true;
            online = false;
            connects.incrementAndGet();
            List<Item> again = new java.util.ArrayList<>();
            synchronized (unacked) {
                again.addAll(unacked.values());
                unacked.clear();
            }
            java.util.Set<Item> pending = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            pending.addAll(again);
            pending.addAll(queue);
            retained.values().stream().filter(r -> !pending.contains(r)).forEach(again::add);
            for (int i = again.size() - 1; i >= 0; i--) {
                queue.offerFirst(again.get(i));
            }
            for (var s : subscriptions) {
                try {
                    client.subscribe(subscription(s.getKey()));
                } catch (MqttException e) {
                    LOG.warn("re-subscribing to {} failed: {}", s.getKey(), e.getMessage());
                }
            }
            queue.offerFirst(item(Topics.BIRTH, birthPayload(), false, null));
            queue.offerFirst(new Item(Topics.stream(host, Topics.STATUS), bytes(status("online", null)), true, null));
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {
            LOG.info("MQTT disconnected: {}", r.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.warn("MQTT error: {}", e.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            for (var s : subscriptions) {
                if (org.eclipse.paho.mqttv5.common.util.MqttTopicValidator.isMatched(s.getKey(), topic)) {
                    s.getValue().accept(topic, message);
                }
            }
        }
    }

    private ObjectNode birthPayload() {
        ObjectNode b = birth.get();
        b.put("connect", connects.get());
        b.put("time", Instant.now().toString());
        return b;
    }

    /** The retained host status: {@code online} or {@code offline} (the Will), with this session's id. */
    private ObjectNode status(String status, String reason) {
        ObjectNode s = PahoClients.JSON.createObjectNode();
        s.put("schema", Topics.SCHEMA);
        s.put("host", host);
        s.put("status", status);
        s.put("session", sessionId);
        s.put("time", Instant.now().toString());
        if (reason != null) {
            s.put("reason", reason);
        }
        return s;
    }

    private Item item(String stream, ObjectNode payload, boolean retained, MqttProperties props) {
        ObjectNode p = payload.deepCopy();
        p.put("schema", Topics.SCHEMA);
        p.put("seq", seq.computeIfAbsent(stream, k -> new AtomicLong()).getAndIncrement());
        p.put("session", sessionId);
        if (!p.has("time")) {
            p.put("time", Instant.now().toString());
        }
        return new Item(Topics.stream(host, stream), bytes(p), retained, props);
    }

    /** This process's session id, in every payload and in the host status (Sparkplug's bdSeq in spirit). */
    @Override
    public String sessionId() {
        return sessionId;
    }

    /** Messages handed to the client whose PUBACK has not arrived, for tests and benchmarks. */
    public int unacknowledged() {
        synchronized (unacked) {
            return unacked.size();
        }
    }

    /**
     * Largest payload sent, bytes: Paho applies {@link PahoClients#MAX_PACKET_BYTES} to outgoing packets
     * too, and a larger one makes it drop the connection; this leaves room for topic and properties.
     */
    public static final int MAX_PAYLOAD_BYTES = (int) PahoClients.MAX_PACKET_BYTES - 2048;

    @Override
    public void publish(String stream, ObjectNode payload, boolean retained) {
        Item it = item(stream, payload, retained, null);
        if (it.payload().length > MAX_PAYLOAD_BYTES) {
            LOG.error("telemetry message on {} of {} bytes exceeds {} bytes: not sent", stream, it.payload().length, MAX_PAYLOAD_BYTES);
            return;
        }
        if (retained) {
            this.retained.put(it.topic(), it);
        }
        if (!closing && !queue.offerLast(it)) {
            LOG.error("telemetry queue full: dropping a message on {}", stream);
        }
    }

    @Override
    public void publishBirth() {
        publish(Topics.BIRTH, birthPayload(), false);
    }

    /** A reply larger than {@link #MAX_PAYLOAD_BYTES} is replaced by an error reply saying so. */
    @Override
    public void reply(String topic, byte[] correlation, ObjectNode payload) {
        MqttProperties props = new MqttProperties();
        props.setCorrelationData(correlation);
        ObjectNode p = payload.deepCopy();
        p.put("schema", Topics.SCHEMA);
        p.put("session", sessionId);
        p.put("time", Instant.now().toString());
        byte[] body = bytes(p);
        if (body.length > MAX_PAYLOAD_BYTES) {
            ObjectNode e = PahoClients.JSON.createObjectNode();
            e.put("ok", false);
            e.put("error", "reply of " + body.length + " bytes exceeds the MQTT limit of " + MAX_PAYLOAD_BYTES + " bytes");
            e.put("schema", Topics.SCHEMA);
            body = bytes(e);
        }
        queue.offerLast(new Item(topic, body, false, props));
    }

    /**
     * Waits until connected, every subscription acknowledged and the retained {@code online}
     * status acknowledged by the broker. Safe to call from any thread but Paho's callback thread.
     */
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
            while (!online) {
                if (System.currentTimeMillis() > deadline || closing) {
                    return false;
                }
                sleep(10);
            }
            return true;
        } catch (MqttException e) {
            LOG.warn("subscribing failed: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void onCommand(Consumer<CommandMessage> handler) {
        subscribe(Topics.commands(host), (topic, m) -> {
            MqttProperties p = m.getProperties();
            byte[] correlation = p == null || p.getCorrelationData() == null ? new byte[0] : p.getCorrelationData();
            handler.accept(new CommandMessage(topic, m.getPayload(), m.isRetained(),
                    Optional.ofNullable(p == null ? null : p.getResponseTopic()), correlation));
        });
    }

    /** Subscribes (QoS 1) now if connected and again after every reconnect. */
    private void subscribe(String filter, BiConsumer<String, MqttMessage> handler) {
        subscriptions.add(Map.entry(filter, handler));
        if (client.isConnected()) {
            try {
                client.subscribe(subscription(filter));
            } catch (MqttException e) {
                LOG.warn("subscribing to {} failed: {}", filter, e.getMessage());
            }
        }
    }

    private void send() {
        while (true) {
            Item it;
            try {
                it = queue.takeFirst();
            } catch (InterruptedException e) {
                return;
            }
            while (true) {
                if (!client.isConnected()) {
                    if (closing) {
                        return;
                    }
                    sleep(20);
                    continue;
                }
                try {
                    MqttMessage m = message(it.payload(), it.retained());
                    if (it.properties() != null) {
                        m.setProperties(copy(it.properties()));
                    }
                    long n;
                    synchronized (unacked) {
                        n = sent++;
                        unacked.put(n, it);
                    }
                    boolean status = it.topic().equals(Topics.stream(host, Topics.STATUS)) && it.retained();
                    try {
                        client.publish(it.topic(), m, null, new MqttActionListener() {
                            @Override
                            public void onSuccess(IMqttToken token) {
                                synchronized (unacked) {
                                    unacked.remove(n);
                                }
                                if (status) {
                                    online = true;
                                }
                            }

                            @Override
                            public void onFailure(IMqttToken token, Throwable e) {
                                if (client.isConnected()) {
                                    synchronized (unacked) {
                                        unacked.remove(n);
                                    }
                                    LOG.warn("the broker refused a message on {}: {}", it.topic(), e == null ? "" : e.getMessage());
                                }
                            }
                        });
                    } catch (MqttException e) {
                        synchronized (unacked) {
                            unacked.remove(n);
                        }
                        throw e;
                    }
                    break;
                } catch (MqttException e) {
                    if (closing && !client.isConnected()) {
                        return;
                    }
                    sleep(e.getReasonCode() == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT ? 5 : 50);
                }
            }
        }
    }

    /** A fresh properties object per send: Paho may change the one it is given (e.g. a topic alias). */
    private static MqttProperties copy(MqttProperties p) {
        MqttProperties c = new MqttProperties();
        c.setCorrelationData(p.getCorrelationData());
        c.setResponseTopic(p.getResponseTopic());
        return c;
    }

    private boolean unackedEmpty() {
        synchronized (unacked) {
            return unacked.isEmpty();
        }
    }

    @Override
    public void close(String deathReason) {
        if (deathReason != null) {
            ObjectNode death = PahoClients.JSON.createObjectNode();
            death.put("host", host);
            death.put("reason", deathReason);
            publish(Topics.DEATH, death, false);
            queue.offerLast(new Item(Topics.stream(host, Topics.STATUS), bytes(status("offline", deathReason)), true, null));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((!queue.isEmpty() || !unackedEmpty()) && everConnected && System.nanoTime() < deadline) {
            sleep(20);
        }
        closing = true;
        sender.interrupt();
        connector.interrupt();
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
