package org.tileloop.telemetry;

import java.util.regex.Pattern;

/** The versioned topic tree: {@code tileloop/v1/<host>/...}. */
public final class Topics {
    public static final String ROOT = "tileloop/v1";
    public static final int SCHEMA = 1;
    public static final Pattern HOST = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private Topics() {
    }

    public static String host(String host) {
        return ROOT + "/" + host;
    }

    public static String commands(String host) {
        return host(host) + "/cmd";
    }

    /** Where a client with this id expects replies; the daemon replies nowhere else. */
    public static String reply(String host, String clientId) {
        return host(host) + "/reply/" + clientId;
    }

    public static Pattern replyPattern(String host) {
        return Pattern.compile(Pattern.quote(host(host) + "/reply/") + "[A-Za-z0-9_-]{1,64}");
    }

    /** A host id from a host name: lower case, [a-z0-9-]. */
    public static String sanitizeHost(String name) {
        String h = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+", "");
        return h.isEmpty() ? "host" : h.substring(0, Math.min(63, h.length()));
    }
}
