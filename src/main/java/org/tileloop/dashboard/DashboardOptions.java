package org.tileloop.dashboard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;

/**
 * Where a dashboard listens and what it serves: {@code bind} address and {@code port} (0: any free
 * port), the bearer {@code token} every {@code /api/} and {@code /runs/} request must carry
 * (required unless {@code bind} is a loopback address), and the {@code runsDir} whose run files it
 * serves (empty: none).
 */
public record DashboardOptions(InetAddress bind, int port, Optional<String> token, Optional<Path> runsDir) {

    /** Shortest token accepted, characters. */
    public static final int MIN_TOKEN_CHARS = 16;

    /** @throws BadInputException for a port outside 0-65535, a short token, or a non-loopback bind without a token */
    public DashboardOptions {
        if (port < 0 || port > 65535) {
            throw new BadInputException("dashboard port " + port + " is outside 0-65535");
        }
        if (token.isPresent() && token.get().length() < MIN_TOKEN_CHARS) {
            throw new BadInputException("dashboard token has " + token.get().length() + " characters; it needs at least " + MIN_TOKEN_CHARS);
        }
        if (!bind.isLoopbackAddress() && token.isEmpty()) {
            throw new BadInputException("dashboard bind address " + bind.getHostAddress()
                    + " is not loopback: give a token file (a secret of at least " + MIN_TOKEN_CHARS + " characters)");
        }
    }

    /**
     * Options from user input, each error naming {@code keys}' spelling of the value at fault.
     *
     * @param bind a host name or address
     * @param tokenFile a file whose stripped text is the token, or null
     * @param runsDir or null
     * @param keys how the user spells bind, port and token file, e.g. {@code {"--bind", "--port", "--token-file"}}
     */
    public static DashboardOptions of(String bind, int port, Path tokenFile, Path runsDir, String... keys) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException | SecurityException e) {
            throw new BadInputException(keys[0] + ": '" + StrictInput.printable(bind) + "' is not an address of this machine");
        }
        if (port < 0 || port > 65535) {
            throw new BadInputException(keys[1] + ": " + port + " is outside 0-65535");
        }
        Optional<String> token = Optional.empty();
        if (tokenFile != null) {
            String text = StrictInput.readText(tokenFile, "dashboard token").strip();
            StrictInput.requirePrintable(tokenFile.toString(), "token", text, "value");
            if (text.length() < MIN_TOKEN_CHARS || text.contains(" ")) {
                throw new BadInputException(keys[2] + ": " + tokenFile + ": the token must be at least " + MIN_TOKEN_CHARS
                        + " characters without spaces");
            }
            token = Optional.of(text);
        } else if (!address.isLoopbackAddress()) {
            throw new BadInputException(keys[0] + ": " + StrictInput.printable(bind) + " is not a loopback address: give "
                    + keys[2] + " (a secret of at least " + MIN_TOKEN_CHARS + " characters) so only its holders see the dashboard");
        }
        return new DashboardOptions(address, port, token, Optional.ofNullable(runsDir));
    }
}
