package org.tileloop.telemetry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;

/**
 * How to reach an MQTT broker: {@code tcp://host:port} or {@code ssl://host:port} (then
 * {@code caFile} is the PEM certificate authority to trust; the JVM's default trust store
 * otherwise), with optional username and password.
 */
public record BrokerSettings(String url, Optional<String> username, Optional<char[]> password, Optional<Path> caFile) {

    private static final Pattern HOST = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** @throws BadInputException unless {@code url} is {@code tcp|ssl://host[:port]} with a valid host name or address and port 1-65535 */
    public BrokerSettings {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new BadInputException("broker URL '" + StrictInput.printable(String.valueOf(url)) + "' is not a URL like tcp://host:1883");
        }
        String host = uri.getHost();
        if (uri.getScheme() == null || !List.of("tcp", "ssl").contains(uri.getScheme()) || host == null
                || !(HOST.matcher(host).matches() || host.matches("\\[[0-9a-fA-F:.]+]")) || uri.getPort() == 0 || uri.getPort() > 65535
                || uri.getUserInfo() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
            throw new BadInputException("broker URL '" + StrictInput.printable(url)
                    + "': want tcp://host[:port] or ssl://host[:port] with a valid host name and a port of 1-65535");
        }
    }
}
