package org.tileloop.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
 * </pre>
 */
public final class DaemonConfig {
    public String host;
    public List<String> rigs = List.of();
    public String runsDir = "runs";
    public String calibrationDir = "calibration";
    public String stateDir = ".tileloop/daemon";
    public Broker broker;

    public static final class Broker {
        public String url;
        public String username;
        public String passwordFile;
        public String caFile;
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static DaemonConfig load(Path file) {
        try {
            DaemonConfig c = YAML.readValue(file.toFile(), DaemonConfig.class);
            return c == null ? new DaemonConfig() : c;
        } catch (JsonMappingException e) {
            String key = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("");
            throw new RigConfigurationException(file + ": " + (key.isEmpty() ? "" : key + ": ") + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new RigConfigurationException(file + ": cannot read daemon config: " + e.getMessage(), e);
        }
    }
}
