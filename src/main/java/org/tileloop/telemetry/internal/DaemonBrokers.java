package org.tileloop.telemetry.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.DaemonBroker;

/** Broker bootstrap for a daemon: a supervised local mosquitto with generated credentials, or a configured broker. */
public final class DaemonBrokers {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DaemonBrokers.class);

    private DaemonBrokers() {
    }

    /** See {@link org.tileloop.telemetry.Telemetry#localBroker}. */
    public static DaemonBroker local(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Files.deleteIfExists(stateDir.resolve("broker.json"));
        Map<String, String> users = MosquittoBroker.generatedUsers();
        MosquittoBroker broker = MosquittoBroker.start(stateDir.resolve("broker"), 0, true, users);
        broker.supervise(LOG::warn);
        BrokerSettings settings = new BrokerSettings(broker.url(), Optional.of("daemon"), Optional.of(users.get("daemon").toCharArray()),
                Optional.empty());
        return new DaemonBroker() {
            @Override
            public BrokerSettings settings() {
                return settings;
            }

            @Override
            public OptionalInt localPort() {
                return OptionalInt.of(broker.port());
            }

            @Override
            public void announce(String host) throws IOException {
                ObjectNode creds = PahoClients.JSON.createObjectNode();
                creds.put("url", broker.url());
                creds.put("host", host);
                creds.put("operator_user", "operator");
                creds.put("operator_password", users.get("operator"));
                creds.put("monitor_user", "monitor");
                creds.put("monitor_password", users.get("monitor"));
                Path f = stateDir.resolve("broker.json");
                Path tmp = stateDir.resolve("broker.json.tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(tmp, PahoClients.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(creds));
                Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void close() {
                broker.close();
            }
        };
    }

    /** See {@link org.tileloop.telemetry.Telemetry#configuredBroker}. */
    public static DaemonBroker configured(String url, String username, Path passwordFile, Path caFile) {
        Optional<char[]> password = Optional.empty();
        if (passwordFile != null) {
            try {
                String text = StrictInput.readText(passwordFile, "password file").strip();
                StrictInput.requirePrintable(passwordFile.toString(), "password", text, "value");
                if (text.isEmpty()) {
                    throw new BadInputException(passwordFile + ": password file is empty");
                }
                password = Optional.of(text.toCharArray());
            } catch (BadInputException e) {
                throw new BadInputException("broker.password_file: " + e.getMessage(), e);
            }
        }
        BrokerSettings settings;
        try {
            settings = new BrokerSettings(url, Optional.ofNullable(username), password, Optional.ofNullable(caFile));
        } catch (BadInputException e) {
            throw new BadInputException("broker.url: " + e.getMessage(), e);
        }
        try {
            PahoClients.connectionOptions(settings);
        } catch (BadInputException e) {
            throw new BadInputException("broker.ca_file: " + e.getMessage(), e);
        }
        return new DaemonBroker() {
            @Override
            public BrokerSettings settings() {
                return settings;
            }

            @Override
            public OptionalInt localPort() {
                return OptionalInt.empty();
            }

            @Override
            public void announce(String host) {
            }

            @Override
            public void close() {
            }
        };
    }
}
