package org.tileloop.telemetry.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Topics;

/**
 * MQTT 5 request/response to a daemon: response topic + correlation data. Waits (within the
 * timeout) for the daemon's retained {@code online} status before sending, and sends the same
 * request again every {@link #RESEND_MS} until a reply comes; the daemon answers a repeated
 * correlation id from its reply cache, so a command never runs twice.
 */
public final class MqttRequester {

    /** How long to wait for a reply before sending the request again. */
    static final long RESEND_MS = 5_000;

    private MqttRequester() {
    }

    /** Sends {@code command} to the daemon of {@code host} and waits up to {@code timeoutS} for its reply. */
    public static ObjectNode request(BrokerSettings broker, String host, ObjectNode command, int timeoutS) {
        return request(broker, host, command, timeoutS, UUID.randomUUID().toString().substring(0, 12));
    }

    /**
     * As {@link #request(BrokerSettings, String, ObjectNode, int)} with a caller's request id
     * (12 letters or digits): a second call with the same id is the same request to the daemon,
     * which answers it from its reply cache instead of running it again.
     */
    public static ObjectNode request(BrokerSettings broker, String host, ObjectNode command, int timeoutS, String requestId) {
        String clientId = "tileloop-cli-" + requestId;
        byte[] correlation = requestId.getBytes(StandardCharsets.UTF_8);
        String replyTopic = Topics.reply(host, clientId);
        CompletableFuture<ObjectNode> reply = new CompletableFuture<>();
        CompletableFuture<Void> online = new CompletableFuture<>();
        String statusTopic = Topics.stream(host, Topics.STATUS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        MqttAsyncClient client = null;
        try {
            client = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
            MqttConnectionOptions o = PahoClients.connectionOptions(broker);
            o.setAutomaticReconnect(false);
            o.setCleanStart(true);
            client.setCallback(new CallbackAdapter() {
                @Override
                public void messageArrived(String t, MqttMessage m) throws Exception {
                    if (t.equals(statusTopic)) {
                        try {
                            if ("online".equals(org.tileloop.input.StrictInput.json(m.getPayload(), 1 << 16, t).path("status").asText())) {
                                online.complete(null);
                            }
                        } catch (org.tileloop.input.BadInputException e) {
                            // not a status we can read: keep waiting
                        }
                        return;
                    }
                    if (m.getProperties() != null && java.util.Arrays.equals(correlation, m.getProperties().getCorrelationData())) {
                        try {
                            var node = org.tileloop.input.StrictInput.json(m.getPayload(), 1 << 20, t);
                            if (node instanceof ObjectNode o) {
                                reply.complete(o);
                            } else {
                                reply.completeExceptionally(new org.tileloop.input.BadInputException(t + ": reply is not a JSON object"));
                            }
                        } catch (org.tileloop.input.BadInputException e) {
                            reply.completeExceptionally(e);
                        }
                    }
                }

                @Override
                public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
                    reply.completeExceptionally(new IllegalStateException("disconnected: " + r.getReasonString()));
                }
            });
            client.connect(o).waitForCompletion(timeoutS * 1000L);
            client.subscribe(new MqttSubscription(replyTopic, 1)).waitForCompletion(timeoutS * 1000L);
            client.subscribe(new MqttSubscription(statusTopic, 1)).waitForCompletion(timeoutS * 1000L);
            try {
                online.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new RigUnavailableException("the daemon of host '" + host + "' is not online on " + broker.url() + " (no retained"
                        + " 'online' status within " + timeoutS + " s; is it running?)", e);
            }
            while (true) {
                MqttMessage m = PahoClients.message(PahoClients.bytes(command), false);
                MqttProperties props = new MqttProperties();
                props.setResponseTopic(replyTopic);
                props.setCorrelationData(correlation);
                m.setProperties(props);
                client.publish(Topics.commands(host), m).waitForCompletion(timeoutS * 1000L);
                long left = deadline - System.nanoTime();
                try {
                    return reply.get(Math.max(1, Math.min(left, TimeUnit.MILLISECONDS.toNanos(RESEND_MS))), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (deadline - System.nanoTime() <= 0) {
                        throw e;
                    }
                }
            }
        } catch (MqttException e) {
            throw new RigUnavailableException("MQTT broker " + broker.url() + ": " + e.getMessage()
                    + (e.getReasonCode() == 0x86 || e.getReasonCode() == 0x87 || e.getReasonCode() == 4 || e.getReasonCode() == 5
                    ? " (check --user / --password-file)" : ""), e);
        } catch (TimeoutException e) {
            throw new RigUnavailableException("no reply from the daemon of host '" + host + "' within " + timeoutS
                    + " s (is it running? are you an operator on this broker?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RigUnavailableException("interrupted", e);
        } catch (ExecutionException e) {
            throw new RigUnavailableException("unreadable reply: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } finally {
            if (client != null) {
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
    }

}
