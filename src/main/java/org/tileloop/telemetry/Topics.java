package org.tileloop.telemetry;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The versioned topic tree, {@code tileloop/v1/<host>/...} (see README, "Topics (v1)"): the only
 * place topic strings are spelt. A <em>stream</em> is a topic below a host's root, e.g.
 * {@code rig/sim-tile4/iteration}; publishers take streams, subscribers whole topics.
 */
public final class Topics {
    public static final String ROOT = "tileloop/v1";
    public static final int SCHEMA = 1;
    public static final Pattern HOST = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** Host streams. */
    public static final String BIRTH = "birth";
    public static final String DEATH = "death";
    /** Retained host status: {@code online}, or {@code offline} (the connection's Will, or a clean shutdown). */
    public static final String STATUS = "status";
    /** The leaves below {@code rig/<rig>/}. */
    public static final String STATE = "state";
    public static final String RUN = "run";
    public static final String ITERATION = "iteration";
    public static final String TIMING = "timing";

    private static final String RIG = "rig";
    private static final String COMMANDS = "cmd";
    private static final String REPLY = "reply";

    private Topics() {
    }

    /** A host's root topic. */
    public static String host(String host) {
        return ROOT + "/" + host;
    }

    /** The topic of {@code stream} below {@code host}'s root. */
    public static String stream(String host, String stream) {
        return host(host) + "/" + stream;
    }

    /** The stream {@code rig/<rig>/<leaf>}; {@code leaf} is {@link #STATE}, {@link #RUN}, {@link #ITERATION} or {@link #TIMING}. */
    public static String rig(String rig, String leaf) {
        return RIG + "/" + rig + "/" + leaf;
    }

    public static String commands(String host) {
        return stream(host, COMMANDS);
    }

    /** Where a client with this id expects replies; the daemon replies nowhere else. */
    public static String reply(String host, String clientId) {
        return stream(host, REPLY + "/" + clientId);
    }

    public static Pattern replyPattern(String host) {
        return Pattern.compile(Pattern.quote(stream(host, REPLY + "/")) + "[A-Za-z0-9_-]{1,64}");
    }

    /** A subscription filter for every topic of {@code host}, or of every host when it is null. */
    public static String everything(String host) {
        return ROOT + "/" + (host == null ? "+" : host) + "/#";
    }

    /**
     * Where a message came from: a host stream ({@code rig} empty, {@code leaf} e.g. {@link #BIRTH})
     * or a rig stream ({@code leaf} e.g. {@link #ITERATION}).
     */
    public record Address(String host, Optional<String> rig, String leaf) {
    }

    /** The address of {@code topic}; empty for a topic that is neither a host stream nor a rig stream (e.g. a reply). */
    public static Optional<Address> parse(String topic) {
        String[] t = topic.split("/", -1);
        if (t.length < 4 || !(t[0] + "/" + t[1]).equals(ROOT)) {
            return Optional.empty();
        }
        if (t.length == 4) {
            return Optional.of(new Address(t[2], Optional.empty(), t[3]));
        }
        if (t.length == 6 && t[3].equals(RIG)) {
            return Optional.of(new Address(t[2], Optional.of(t[4]), t[5]));
        }
        return Optional.empty();
    }

    /**
     * The fleet's topics, {@code tileloop/fleet/v1/...} (see README, "Fleet"): apart from the hosts'
     * tree, so telemetry subscribers never see measurement traffic.
     */
    public static final class Fleet {
        public static final String ROOT = "tileloop/fleet/v1";
        /** Worker and job ids: 1-63 of a-z 0-9 -, a-z or 0-9 first. */
        public static final Pattern ID = HOST;

        private Fleet() {
        }

        /** A requester's retained announcement of an open job; cleared when the job ends. */
        public static String job(String job) {
            return ROOT + "/jobs/" + job;
        }

        /** Every job announcement. */
        public static String jobs() {
            return ROOT + "/jobs/+";
        }

        /** Where workers send a job's requester their asks, blob requests, beats and results. */
        public static String jobInbox(String job) {
            return ROOT + "/jobs/" + job + "/inbox";
        }

        /** A worker's stream: {@code status} (retained, online or offline), {@code birth}, {@code death}. */
        public static String worker(String worker, String leaf) {
            return ROOT + "/workers/" + worker + "/" + leaf;
        }

        /** Every worker's retained status. */
        public static String workerStatuses() {
            return ROOT + "/workers/+/" + STATUS;
        }

        /** Where a worker receives replies (assignments, blobs). */
        public static String workerInbox(String worker) {
            return worker(worker, "inbox");
        }

        /** The id in {@code topic} after {@code marker} ("jobs" or "workers"), if the topic has that shape. */
        public static Optional<String> idIn(String topic, String marker) {
            String[] t = topic.split("/", -1);
            if (t.length >= 5 && (t[0] + "/" + t[1] + "/" + t[2]).equals(ROOT) && t[3].equals(marker) && ID.matcher(t[4]).matches()) {
                return Optional.of(t[4]);
            }
            return Optional.empty();
        }
    }

    /** A host id from a host name: lower case, [a-z0-9-]. */
    public static String sanitizeHost(String name) {
        String h = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+", "");
        return h.isEmpty() ? "host" : h.substring(0, Math.min(63, h.length()));
    }
}
