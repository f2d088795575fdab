package org.tileloop.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFile;
import org.tileloop.telemetry.CommandMessage;
import org.tileloop.telemetry.TelemetrySession;
import org.tileloop.telemetry.Topics;

/**
 * The daemon's command interface: validates every command payload (at most 16 KiB of JSON, a
 * known command, only the keys it takes, a known rig, integers in range, training configs by
 * name, delays and {@code set} values within the rig's limits), hands what passes to the
 * {@link JobRunner}, and answers on the requester's reply topic, with the reason when refused.
 */
final class Commands {

    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_COMMAND_BYTES = 16 * 1024;
    /** A jobs listing holds the newest jobs that fit this many bytes (an MQTT reply is at most ~30 KB); show gives any job. */
    static final int MAX_LISTED_BYTES = 20 * 1024;
    private static final Set<String> COMMANDS = Set.of("submit", "jobs", "show", "cancel", "pause", "resume", "lease", "release");
    private static final Set<String> KINDS = Set.of("train", "calibrate", "measure");

    private final String host;
    private final Map<String, RigFile> rigs;
    private final JobRunner jobs;
    private final TelemetrySession session;
    private final Leases leases;
    /** Replies to commands that change jobs, by response topic and correlation data: a request sent again is answered, never run twice. */
    private final Map<String, ObjectNode> replies = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > REPLY_CACHE;
        }
    });
    /** Requests remembered for answering repeats. */
    static final int REPLY_CACHE = 1024;

    Commands(String host, Map<String, RigFile> rigs, JobRunner jobs, TelemetrySession session, Leases leases) {
        this.host = host;
        this.leases = leases;
        this.rigs = rigs;
        this.jobs = jobs;
        this.session = session;
    }

    /**
     * Handles a message from the command topic and replies to its response topic. A message
     * without a valid response topic, or with oversized correlation data, is logged and dropped
     * without running it.
     */
    void onMessage(CommandMessage m) {
        String topic = m.topic();
        if (m.correlation().length > TelemetrySession.MAX_CORRELATION_BYTES) {
            LOG.warn("{}: command refused without running it: correlation data of {} bytes (at most {})", topic, m.correlation().length,
                    TelemetrySession.MAX_CORRELATION_BYTES);
            return;
        }
        String replyTo = m.responseTopic().orElse(null);
        if (replyTo == null || !Topics.replyPattern(host).matcher(replyTo).matches()) {
            LOG.warn("{}: command refused without running it: no valid response topic (want {})", topic,
                    Topics.reply(host, "<client id>"));
            return;
        }
        String key = m.correlation().length == 0 ? null : replyTo + " " + java.util.HexFormat.of().formatHex(m.correlation());
        ObjectNode cached = key == null ? null : replies.get(key);
        if (cached != null) {
            LOG.info("{}: repeated request {} answered from the reply cache", topic, key);
            session.reply(replyTo, m.correlation(), cached);
            return;
        }
        ObjectNode reply;
        try {
            if (m.retained()) {
                throw new CommandException(topic + ": retained command refused (commands run once, when sent; clear it with: "
                        + "mosquitto_pub -r -n -t " + topic + ")");
            }
            reply = handle(topic, m.payload());
        } catch (RigConfigurationException | BadInputException e) {
            reply = error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("command failed", e);
            reply = error("internal error: " + e.getMessage());
        }
        if (key != null && changesSomething(m.payload())) {
            replies.put(key, reply);
        }
        session.reply(replyTo, m.correlation(), reply);
    }

    /** Whether a command changes jobs (its reply is cached for repeats); listings are simply answered again. */
    private static boolean changesSomething(byte[] payload) {
        try {
            return !Set.of("jobs", "show").contains(JSON.readTree(payload).path("command").asText(""));
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static ObjectNode error(String message) {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("ok", false);
        reply.put("error", message);
        return reply;
    }

    /** See {@link Daemon#handle}. */
    synchronized ObjectNode handle(String topic, byte[] payload) {
        try {
            return execute(topic, payload);
        } catch (CommandException e) {
            throw e.getMessage().startsWith(topic + ": ") ? e : new CommandException(topic + ": " + e.getMessage());
        }
    }

    private ObjectNode execute(String topic, byte[] payload) {
        JsonNode root;
        try {
            root = StrictInput.json(payload, MAX_COMMAND_BYTES, topic);
        } catch (BadInputException e) {
            throw new CommandException(e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CommandException("a command is a JSON object with \"command\": one of " + COMMANDS);
        }
        String command = text(root, "command");
        if (!COMMANDS.contains(command)) {
            throw new CommandException("command: '" + printable(command) + "' is not one of " + COMMANDS);
        }
        if (root.has("schema") && !(root.get("schema").isIntegralNumber() && root.get("schema").asLong() == Topics.SCHEMA)) {
            throw new CommandException("schema: '" + printable(root.get("schema").toString()) + "' is not " + Topics.SCHEMA
                    + " (the command schema this daemon speaks)");
        }
        ObjectNode reply = JSON.createObjectNode();
        reply.put("ok", true);
        switch (command) {
            case "jobs" -> {
                allowed(root, Set.of("command", "schema"));
                ArrayNode list = reply.putArray("jobs");
                List<ObjectNode> all = jobs.jobs().stream().map(j -> j.summary(JSON)).toList();
                int bytes = 0;
                int from = all.size();
                while (from > 0 && bytes + all.get(from - 1).toString().length() < MAX_LISTED_BYTES) {
                    bytes += all.get(--from).toString().length();
                }
                list.addAll(all.subList(from, all.size()));
                if (from > 0) {
                    reply.put("older_jobs_not_listed", from);
                }
            }
            case "submit" -> reply.set("job", submit(root).toJson(JSON));
            case "show" -> {
                allowed(root, Set.of("command", "schema", "job"));
                reply.set("job", jobs.job(text(root, "job"))
                        .orElseThrow(() -> new CommandException("job: no job '" + printable(text(root, "job")) + "'")).toJson(JSON));
            }
            case "cancel", "pause", "resume" -> {
                allowed(root, Set.of("command", "schema", "job"));
                Job j = jobs.job(text(root, "job"))
                        .orElseThrow(() -> new CommandException("job: no job '" + printable(text(root, "job")) + "'"));
                Job shown = switch (command) {
                    case "cancel" -> jobs.cancel(j);
                    case "pause" -> jobs.pause(j);
                    default -> jobs.resume(j);
                };
                reply.set("job", shown.toJson(JSON));
            }
            case "lease", "release" -> lease(command, root, reply);
            default -> throw new IllegalStateException(command);
        }
        return reply;
    }

    /** {@code lease} (take or renew, {@code ttl_s} 5-3600, default 30) or {@code release} a bench rig's lease for {@code owner}. */
    private void lease(String command, JsonNode root, ObjectNode reply) {
        allowed(root, command.equals("lease") ? Set.of("command", "schema", "rig", "owner", "ttl_s") : Set.of("command", "schema", "rig", "owner"));
        RigFile rf = rig(root);
        if (rf.description().kind() != org.tileloop.rig.RigKind.BENCH) {
            throw new CommandException("rig: " + rf.description().id() + " is a " + rf.description().kind().toString().toLowerCase(java.util.Locale.ROOT)
                    + " rig; leases are for bench rigs (simulated work runs anywhere, e.g. on the fleet)");
        }
        String owner = owner(root).orElseThrow(() -> new CommandException("owner: required"));
        if (command.equals("release")) {
            reply.put("released", leases.release(rf.description().id(), owner));
            return;
        }
        int ttl = root.has("ttl_s") ? (int) integer(root, "ttl_s", Leases.MIN_TTL_S, Leases.MAX_TTL_S) : 30;
        Leases.Lease l = leases.acquire(rf.description().id(), owner, ttl);
        ObjectNode n = reply.putObject("lease");
        n.put("rig", l.rig());
        n.put("owner", l.owner());
        n.put("ttl_s", ttl);
        n.put("expires", l.expires().toString());
    }

    private static java.util.Optional<String> owner(JsonNode root) {
        if (!root.has("owner")) {
            return java.util.Optional.empty();
        }
        String o = text(root, "owner");
        if (!Leases.OWNER.matcher(o).matches()) {
            throw new CommandException("owner: '" + printable(o) + "' is not " + Leases.OWNER.pattern());
        }
        return java.util.Optional.of(o);
    }

    private RigFile rig(JsonNode root) {
        String rig = text(root, "rig");
        RigFile rf = rigs.get(rig);
        if (rf == null) {
            throw new CommandException("rig: '" + printable(rig) + "' is not a rig of host " + host + " (has " + rigs.keySet() + ")");
        }
        return rf;
    }

    private Job submit(JsonNode root) {
        String kind = root.has("kind") ? text(root, "kind") : "train";
        if (!KINDS.contains(kind)) {
            throw new CommandException("kind: '" + printable(kind) + "' is not one of " + KINDS);
        }
        Set<String> keys = switch (kind) {
            case "train" -> Set.of("command", "schema", "rig", "kind", "iterations", "seed", "config", "allow_uncalibrated", "owner");
            case "measure" -> Set.of("command", "schema", "rig", "kind", "delays_ns", "set", "owner");
            default -> Set.of("command", "schema", "rig", "kind", "owner");
        };
        allowed(root, keys);
        RigFile rf = rig(root);
        String rig = rf.description().id();
        java.util.Optional<String> owner = owner(root);
        if (rf.description().kind() == org.tileloop.rig.RigKind.BENCH) {
            leases.check(rig, owner);
        }
        ObjectNode spec = JSON.createObjectNode();
        spec.put("kind", kind);
        owner.ifPresent(o -> spec.put("owner", o));
        if (kind.equals("train")) {
            train(root, rf, spec);
        } else if (kind.equals("measure")) {
            measure(root, rf, spec);
        }
        return jobs.submit(rig, kind, spec);
    }

    private static void train(JsonNode root, RigFile rf, ObjectNode spec) {
        if (root.has("iterations")) {
            spec.put("iterations", integer(root, "iterations", 1, 100_000));
        }
        if (root.has("seed")) {
            spec.put("seed", integer(root, "seed", 0, Long.MAX_VALUE));
        }
        if (root.has("config")) {
            String name = text(root, "config");
            if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                throw new CommandException("config: '" + printable(name) + "' is not a training config name (rigs/training/<name>.yaml)");
            }
            Path f = rf.path().toAbsolutePath().getParent().resolve("training").resolve(name + ".yaml");
            if (!Files.isRegularFile(f)) {
                throw new CommandException("config: no training config " + f);
            }
            spec.put("config", name);
        }
        if (root.has("allow_uncalibrated")) {
            if (!root.get("allow_uncalibrated").isBoolean()) {
                throw new CommandException("allow_uncalibrated: must be true or false");
            }
            spec.put("allow_uncalibrated", root.get("allow_uncalibrated").asBoolean());
        }
    }

    private static void measure(JsonNode root, RigFile rf, ObjectNode spec) {
        JsonNode delays = root.get("delays_ns");
        if (delays == null || !delays.isArray() || delays.isEmpty() || delays.size() > 64) {
            throw new CommandException("delays_ns: 1 to 64 numbers (ns)");
        }
        ArrayNode d = spec.putArray("delays_ns");
        double windowNs = rf.simulator().map(x -> x.tstopNs()).or(() -> rf.digital().map(x -> x.tstopNs())).orElse(1000.0);
        for (JsonNode x : delays) {
            if (!x.isNumber() || !Double.isFinite(x.asDouble()) || x.asDouble() < 0 || x.asDouble() > windowNs) {
                throw new CommandException("delays_ns: '" + printable(x.toString()) + "' is not a delay in [0, "
                        + Numbers.plain(windowNs) + "] ns (the window of rig " + rf.description().id() + ")");
            }
            d.add(x.asDouble());
        }
        Map<String, Double> set = new LinkedHashMap<>();
        JsonNode s = root.get("set");
        if (s != null) {
            if (!s.isObject() || s.size() > 32) {
                throw new CommandException("set: an object of at most 32 parameter: number pairs");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().asDouble())) {
                    throw new CommandException("set." + printable(e.getKey()) + ": must be a finite number");
                }
                set.put(e.getKey(), e.getValue().asDouble());
            }
        }
        try {
            rf.description().withOverrides(set);
        } catch (RigConfigurationException e) {
            throw new CommandException("set: " + e.getMessage());
        }
        spec.set("set", JSON.valueToTree(set));
    }

    private static String text(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || !v.isTextual() || v.asText().length() > 256) {
            throw new CommandException(key + ": required, a string of at most 256 characters");
        }
        return v.asText();
    }

    private static long integer(JsonNode root, String key, long min, long max) {
        JsonNode v = root.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new CommandException(key + ": " + printable(v.toString()) + " is not an integer in [" + min + ", " + max + "]");
        }
        return v.asLong();
    }

    /** Refuses a key {@code keys} lacks (the schema was checked before). */
    private static void allowed(JsonNode root, Set<String> keys) {
        root.fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                throw new CommandException("unknown key '" + printable(k) + "' (allowed: " + keys + ")");
            }
        });
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 64 ? p.substring(0, 64) + "…" : p;
    }
}
