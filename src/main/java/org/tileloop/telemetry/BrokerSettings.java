package org.tileloop.telemetry;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to reach an MQTT broker: {@code tcp://host:port} or {@code ssl://host:port} (then
 * {@code caFile} is the PEM certificate authority to trust; the JVM's default trust store
 * otherwise), with optional username and password.
 */
public record BrokerSettings(String url, Optional<String> username, Optional<char[]> password, Optional<Path> caFile) {
}
