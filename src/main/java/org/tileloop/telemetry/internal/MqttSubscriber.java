package org.tileloop.telemetry.internal;

import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Telemetry;

/**
 * A telemetry subscriber (QoS 1) that reconnects and re-subscribes by itself. With a persistent
 * session ({@code persistent}: clean start off, 24 h expiry, fixed client id) the broker queues
 * messages while it is away, so a broker restart loses nothing.
 */
public final class MqttSubscriber implements Telemetry.Subscription {

    private final MqttAsyncClient client;

    public MqttSubscriber(BrokerSettings broker, String clientId, String filter, boolean persistent,
                          BiConsumer<String, byte[]> handler) {
        try {
            client = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
            MqttConnectionOptions o = PahoClients.connectionOptions(broker);
            o.setCleanStart(!persistent);
            if (persistent) {
                o.setSessionExpiryInterval(24 * 3600L);
            }
            client.setCallback(new CallbackAdapter() {
                @Override
                public void connectComplete(boolean reconnect, String uri) {
                    try {
                        client.subscribe(new MqttSubscription(filter, 1));
                    } catch (MqttException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    handler.accept(topic, message.getPayload());
                }
            });
            client.connect(o).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new RigUnavailableException("MQTT broker " + broker.url() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean connected() {
        return client.isConnected();
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
