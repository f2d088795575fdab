package org.tileloop.cli;

import java.nio.file.Path;
import org.tileloop.telemetry.BrokerSettings;
import picocli.CommandLine.Option;

/**
 * The fleet's broker for {@code worker} and {@code --fleet}: {@code --broker}, {@code --user},
 * {@code --password-file}, {@code --ca-file}. Without options: the local daemon's broker and
 * operator credentials ({@code .tileloop/daemon/broker.json}), else tcp://127.0.0.1:1883.
 */
final class FleetBroker {

    @Option(names = "--broker", paramLabel = "URL",
            description = "The fleet's MQTT broker, tcp://host:port or ssl://host:port (default: the local daemon's, else tcp://127.0.0.1:1883).")
    String url;

    @Option(names = "--user", paramLabel = "NAME", description = "MQTT user (default: the local daemon's operator).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the MQTT password.")
    Path passwordFile;

    @Option(names = "--ca-file", paramLabel = "FILE", description = "PEM CA certificate for ssl:// brokers.")
    Path caFile;

    BrokerSettings settings() {
        BrokerOptions b = new BrokerOptions();
        b.url = url;
        b.user = user;
        b.passwordFile = passwordFile;
        b.caFile = caFile;
        return b.settings("operator");
    }
}
