package org.tileloop.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.telemetry.BrokerSettings;

/** One telemetry session against a real mosquitto. */
class PahoSessionTest {

    @TempDir
    Path dir;

    @Test
    void acknowledgedMessagesAreForgottenSoNothingGrowsOrIsSentTwice() throws Exception {
        Map<String, String> users = MosquittoBroker.generatedUsers();
        try (MosquittoBroker broker = MosquittoBroker.start(dir, MosquittoBroker.freePort(), false, users)) {
            BrokerSettings daemon = new BrokerSettings(broker.url(), Optional.of("daemon"), Optional.of(users.get("daemon").toCharArray()),
                    Optional.empty());
            PahoSession s = new PahoSession(daemon, "leakhost", "tileloop-daemon-leakhost", PahoClients.JSON::createObjectNode);
            try {
                assertTrue(s.awaitReady(20_000), "connected, online acknowledged");
                for (int i = 0; i < 2000; i++) {
                    ObjectNode m = PahoClients.JSON.createObjectNode();
                    m.put("i", i);
                    s.publish("rig/r/iteration", m, false);
                }
                long deadline = System.currentTimeMillis() + 20_000;
                while (s.unacknowledged() > 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(200);
                assertEquals(0, s.unacknowledged(), "every message was acknowledged and forgotten");
                assertTrue(s.sessionId().matches("[0-9a-f]{16}"), s.sessionId());
            } finally {
                s.close("test over");
            }
        }
    }
}
