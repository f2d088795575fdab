package org.tileloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Topics;
import picocli.CommandLine.Option;

/**
 * How client commands reach a daemon. Without options they use the local daemon's
 * {@code .tileloop/daemon/broker.json} (its broker URL, host id and generated credentials).
 */
final class BrokerOptions {

    @Option(names = "--broker", paramLabel = "URL", description = "tcp://host:port or ssl://host:port (default: the local daemon's broker).")
    String url;

    @Option(names = "--host", paramLabel = "ID", description = "The daemon's host id (default: the local daemon's).")
    String host;

    @Option(names = "--user", paramLabel = "NAME", description = "MQTT user (default: the local daemon's operator or monitor).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the MQTT password.")
    Path passwordFile;

    @Option(names = "--ca-file", paramLabel = "FILE", description = "PEM CA certificate for ssl:// brokers.")
    Path caFile;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "The local daemon's state directory (default .tileloop/daemon of this checkout).")
    Path stateDir;

    private JsonNode local() {
        Path dir = stateDir != null ? stateDir : Path.of(System.getProperty("tileloop.home", ".")).resolve(".tileloop/daemon");
        Path f = dir.resolve("broker.json");
        if (!Files.isReadable(f)) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return StrictInput.jsonFile(f, "broker credentials");
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        }
    }

    /** @param role "operator" (commands) or "monitor" (telemetry) for the local daemon's generated users */
    BrokerSettings settings(String role) {
        JsonNode local = local();
        String u = url != null ? url : local.path("url").asText("tcp://127.0.0.1:1883");
        Optional<String> name = Optional.ofNullable(user != null ? user : local.path(role + "_user").asText(null));
        Optional<char[]> password;
        if (passwordFile != null) {
            try {
                password = Optional.of(Files.readString(passwordFile).strip().toCharArray());
            } catch (IOException e) {
                throw new RigConfigurationException(passwordFile + ": cannot read the password: " + e.getMessage(), e);
            }
        } else {
            password = user == null ? Optional.ofNullable(local.path(role + "_password").asText(null)).map(String::toCharArray) : Optional.empty();
        }
        return new BrokerSettings(u, name, password, Optional.ofNullable(caFile));
    }

    /** Whether this talks to the local daemon found through its broker.json. */
    boolean usesLocalDaemon() {
        return url == null && host == null;
    }

    String host() {
        String h = host != null ? host : local().path("host").asText(null);
        if (h == null) {
            throw new RigConfigurationException("no daemon host id: pass --host (the daemon prints it) or run on the daemon's machine");
        }
        if (!Topics.HOST.matcher(h).matches()) {
            throw new RigConfigurationException("--host: '" + h + "' is not a host id ([a-z0-9][a-z0-9-]{0,62})");
        }
        return h;
    }
}
