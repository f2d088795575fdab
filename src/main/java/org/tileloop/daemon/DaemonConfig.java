package org.tileloop.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tileloop.input.BadInputException;
import org.tileloop.input.SchemaCheck;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * The daemon's configuration ({@code tileloop.yaml}; every key optional). Relative paths are
 * relative to the file (or to the tileloop checkout without a file).
 *
 * <pre>
 * host: lab3-bench1            # topic id, default: this machine's name
 * rigs: [rigs/sim-tile4.yaml]  # default: every rigs/*.yaml
 * runs_dir: runs
 * calibration_dir: calibration
 * state_dir: .tileloop/daemon  # local broker, credentials
 * broker:                      # absent: a local mosquitto on 127.0.0.1 (1883 when free)
 *   url: ssl://broker.lab:8883
 *   username: daemon
 *   password_file: /etc/tileloop/mqtt-password
 *   ca_file: /etc/tileloop/ca.pem
 * dashboard:                   # absent: no web dashboard
 *   port: 8080                 # 0: any free port
 *   bind: 127.0.0.1            # a non-loopback address needs token_file
 *   token_file: /etc/tileloop/dashboard-token
 * fleet:                       # absent: no fleet (see README, "Fleet")
 *   worker_slots: 2            # ngspice slots offered to the fleet on this broker (0: none)
 *   dispatch: true             # simulated-rig jobs run on the fleet's workers
 * </pre>
 */
public final class DaemonConfig {
    public String host;
    public List<String> rigs = List.of();
    public String runsDir = "runs";
    public String calibrationDir = "calibration";
    public String stateDir = ".tileloop/daemon";
    /** What a restarted daemon does with a job its previous process was running: {@code resume} it or {@code report} it interrupted. */
    public String onRestart = "resume";
    public Broker broker;
    public Dashboard dashboard;
    public Fleet fleet;

    public static final class Broker {
        public String url;
        public String username;
        public String passwordFile;
        public String caFile;
    }

    /** The web dashboard the daemon serves for its own broker (see README, "Dashboard"). */
    public static final class Dashboard {
        public int port = 8080;
        public String bind = "127.0.0.1";
        public String tokenFile;
    }

    /** The daemon's part in the fleet on its broker: worker slots it offers, and whether its simulated-rig jobs run there. */
    public static final class Fleet {
        public int workerSlots;
        public boolean dispatch;
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final SchemaCheck SCHEMA = SchemaCheck.of("daemon");

    /** Reads and checks {@code file} (at most 1 MiB, YAML, schema {@code daemon.schema.json}); an empty mapping means all defaults. */
    public static DaemonConfig load(Path file) {
        try {
            JsonNode root = StrictInput.yamlFile(file, "daemon config");
            if (!root.isObject()) {
                throw new BadInputException(file + ": a daemon config is a YAML mapping (see README, Daemon and telemetry)");
            }
            SCHEMA.validate(root, file.toString(), "daemon config");
            return YAML.treeToValue(root, DaemonConfig.class);
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        } catch (IOException e) {
            throw new RigConfigurationException(file + ": cannot read daemon config: " + StrictInput.oneLine(e.getMessage()), e);
        }
    }
}
