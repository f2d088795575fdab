package org.tileloop.telemetry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.telemetry.BrokerSettings;

/** What every tileloop Paho client shares: connection options (credentials, TLS, limits) and message encoding. */
final class PahoClients {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The largest MQTT packet a client accepts, bytes (MQTT 5 Maximum Packet Size; the broker
     * drops larger ones instead of delivering them). Paho 1.2.5 reads property lengths as signed
     * 16-bit numbers and its receive thread dies on a property of 32 KiB or more, so nothing that
     * large may reach it. Paho applies the limit to outgoing packets too: see
     * {@link PahoSession#MAX_PAYLOAD_BYTES}.
     */
    static final long MAX_PACKET_BYTES = 32_767;

    private PahoClients() {
    }

    /**
     * Paho options for {@code broker}: credentials, TLS, automatic reconnect with at most 2 s between tries.
     *
     * @throws BadInputException when the CA file cannot be read or holds no PEM certificate
     */
    static {
        java.util.logging.Logger.getLogger("org.eclipse.paho").setLevel(java.util.logging.Level.OFF);
    }

    /**
     * Plain TCP with Nagle's algorithm off: with it on, each small request or reply waited for the
     * peer's delayed ACK (about 40 ms), and a daemon answered 12 commands a second.
     */
    private static final javax.net.SocketFactory NO_DELAY = new javax.net.SocketFactory() {
        private java.net.Socket noDelay(java.net.Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            return noDelay(new java.net.Socket());
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return noDelay(new java.net.Socket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) throws IOException {
            return noDelay(new java.net.Socket(host, port, local, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return noDelay(new java.net.Socket(host, port));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local, int localPort) throws IOException {
            return noDelay(new java.net.Socket(host, port, local, localPort));
        }
    };

    static MqttConnectionOptions connectionOptions(BrokerSettings broker) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(2000);
        o.setKeepAliveInterval(10);
        o.setConnectionTimeout(5);
        o.setReceiveMaximum(1000);
        o.setMaximumPacketSize(MAX_PACKET_BYTES);
        o.setSocketFactory(NO_DELAY);
        broker.username().ifPresent(o::setUserName);
        broker.password().ifPresent(p -> o.setPassword(new String(p).getBytes(StandardCharsets.UTF_8)));
        if (broker.caFile().isPresent()) {
            try (InputStream in = new java.io.ByteArrayInputStream(StrictInput.read(broker.caFile().get(), "CA file"))) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    ks.setCertificateEntry("ca" + i++, c);
                }
                if (i == 0) {
                    throw new java.security.cert.CertificateException("no PEM certificate in it");
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, tmf.getTrustManagers(), null);
                o.setSocketFactory(ssl.getSocketFactory());
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new BadInputException("broker CA file " + broker.caFile().get() + ": "
                        + (e instanceof java.nio.file.NoSuchFileException ? "not found" : StrictInput.oneLine(e.getMessage())), e);
            }
        }
        return o;
    }

    /**
     * QoS 1, retain flag as published (a handler can tell a retained, replayed message from a live
     * one), retained messages only for a new subscription (renewing one does not replay them).
     */
    static MqttSubscription subscription(String filter) {
        MqttSubscription s = new MqttSubscription(filter, 1);
        s.setRetainAsPublished(true);
        s.setRetainHandling(1);
        return s;
    }

    /** A QoS 1 message. */
    static MqttMessage message(byte[] payload, boolean retained) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        m.setRetained(retained);
        return m;
    }

    static byte[] bytes(ObjectNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
