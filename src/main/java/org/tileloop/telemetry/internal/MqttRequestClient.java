package org.tileloop.telemetry.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;

/** Many requests to one daemon over one MQTT 5 connection (response topic + correlation data per request). */
public final class MqttRequestClient implements Telemetry.RequestClient {

    private final MqttAsyncClient client;
    private final String host;
    private final String replyTopic;
    private final Map<String, CompletableFuture<ObjectNode>> pending = new ConcurrentHashMap<>();

    public MqttRequestClient(BrokerSettings broker, String host, int timeoutS) {
        this.host = host;
        String clientId = "tileloop-cli-" + UUID.randomUUID().toString().substring(0, 12);
        this.replyTopic = Topics.reply(host, clientId);
        try {
            client = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
            MqttConnectionOptions o = PahoClients.connectionOptions(broker);
            o.setCleanStart(true);
            client.setCallback(new CallbackAdapter() {
                @Override
                public void messageArrived(String t, MqttMessage m) {
                    byte[] c = m.getProperties() == null ? null : m.getProperties().getCorrelationData();
                    CompletableFuture<ObjectNode> f = c == null ? null : pending.remove(new String(c, StandardCharsets.UTF_8));
                    if (f != null) {
                        try {
                            f.complete((ObjectNode) StrictInput.json(m.getPayload(), 1 << 20, t));
                        } catch (BadInputException | ClassCastException e) {
                            f.completeExceptionally(e);
                        }
                    }
                }

                @Override
                public void connectComplete(boolean reconnect, String uri) {
                    try {
                        client.subscribe(new MqttSubscription(replyTopic, 1));
                    } catch (MqttException e) {
                        pending.values().forEach(f -> f.completeExceptionally(e));
                    }
                }
            });
            client.connect(o).waitForCompletion(timeoutS * 1000L);
            client.subscribe(new MqttSubscription(replyTopic, 1)).waitForCompletion(timeoutS * 1000L);
        } catch (MqttException e) {
            throw new RigUnavailableException("MQTT broker " + broker.url() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ObjectNode request(ObjectNode command, int timeoutS) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<ObjectNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            MqttMessage m = PahoClients.message(PahoClients.bytes(command), false);
            MqttProperties props = new MqttProperties();
            props.setResponseTopic(replyTopic);
            props.setCorrelationData(id.getBytes(StandardCharsets.UTF_8));
            m.setProperties(props);
            client.publish(Topics.commands(host), m).waitForCompletion(timeoutS * 1000L);
            return reply.get(timeoutS, TimeUnit.SECONDS);
        } catch (MqttException | ExecutionException e) {
            throw new RigUnavailableException("request to the daemon of host '" + host + "' failed: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new RigUnavailableException("no reply from the daemon of host '" + host + "' within " + timeoutS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RigUnavailableException("interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2000);
            }
            client.close(true);
        } catch (MqttException e) {
            // closing anyway
        }
    }
}
