package org.tileloop.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.telemetry.Topics;

/**
 * The last known state of every host, rig and run, reduced from telemetry messages. Memory is
 * bounded ({@link #MAX_RUNS} runs, {@link RunView#MAX_ITERATIONS} iterations each, {@link #MAX_RIGS}
 * rigs and hosts). Invalid messages (bad JSON, ids not matching their patterns) are dropped and
 * counted. Thread-safe: every method locks this object; listeners run under that lock, in message
 * order, and must return quickly without calling back.
 */
final class DashboardState {

    static final int MAX_RUNS = 50;
    static final int MAX_RIGS = 1_000;
    /** Largest payload read, bytes (the broker's packets are smaller). */
    static final int MAX_PAYLOAD_BYTES = 1 << 16;

    private record Host(String status, String since, String session) {
    }

    private static final class Rig {
        String state = "unknown";
        String job;
        String since;
        String calibrationId;
        String runId;
    }

    private final Optional<Path> runsDir;
    private final Map<String, Host> hosts = new TreeMap<>();
    private final Map<String, Rig> rigs = new TreeMap<>();
    private final Map<String, RunView> runs = new HashMap<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private boolean connected;
    private long dropped;
    private long lastReceivedMs;

    /** @param runsDir where run directories are, to list their files; empty when they are on another machine */
    DashboardState(Optional<Path> runsDir) {
        this.runsDir = runsDir;
    }

    /**
     * Adds {@code listener} and returns the snapshot it starts from, atomically: it hears of every
     * change after the snapshot and of none before.
     */
    synchronized ObjectNode listen(Consumer<Change> listener) {
        listeners.add(listener);
        return snapshot();
    }

    synchronized void unlisten(Consumer<Change> listener) {
        listeners.remove(listener);
    }

    /** The dashboard's own MQTT connection changed: listeners get a whole new {@code state}. */
    synchronized void connected(boolean now) {
        if (connected != now) {
            connected = now;
            notify("state", () -> snapshot());
        }
    }

    /** The whole state as served by {@code /api/state}. */
    synchronized ObjectNode snapshot() {
        ObjectNode s = Fields.JSON.objectNode();
        s.put("connected", connected);
        s.put("dropped", dropped);
        ArrayNode hs = s.putArray("hosts");
        hosts.keySet().forEach(h -> hs.add(hostJson(h, lastReceivedMs)));
        ArrayNode rs = s.putArray("rigs");
        rigs.keySet().forEach(k -> rs.add(rigJson(k, lastReceivedMs)));
        ArrayNode us = s.putArray("runs");
        newestFirst().forEach(r -> us.add(r.json(lastReceivedMs)));
        s.put("mqtt_received_ms", lastReceivedMs);
        return s;
    }

    synchronized long dropped() {
        return dropped;
    }

    /** Reduces one MQTT message received at {@code receivedMs} (epoch ms). */
    synchronized void accept(String topic, byte[] payload, long receivedMs) {
        Topics.Address a = Topics.parse(topic).orElse(null);
        if (a == null) {
            return;
        }
        if (!Topics.HOST.matcher(a.host()).matches() || a.rig().isPresent() && !Fields.RIG.matcher(a.rig().get()).matches()) {
            dropped++;
            return;
        }
        boolean telemetry = a.rig().isPresent()
                ? List.of(Topics.STATE, Topics.RUN, Topics.ITERATION, Topics.TIMING).contains(a.leaf())
                : List.of(Topics.STATUS, Topics.BIRTH, Topics.DEATH).contains(a.leaf());
        if (!telemetry) {
            return;
        }
        JsonNode p;
        try {
            p = StrictInput.json(payload, MAX_PAYLOAD_BYTES, topic);
        } catch (BadInputException e) {
            dropped++;
            return;
        }
        if (!p.isObject()) {
            dropped++;
            return;
        }
        lastReceivedMs = receivedMs;
        if (a.rig().isEmpty()) {
            hostMessage(a.host(), a.leaf(), p, receivedMs);
        } else {
            rigMessage(a.host(), a.rig().get(), a.leaf(), p, receivedMs);
        }
    }

    private void hostMessage(String host, String leaf, JsonNode p, long receivedMs) {
        if (!hosts.containsKey(host) && hosts.size() >= MAX_RIGS) {
            dropped++;
            return;
        }
        String now = Instant.ofEpochMilli(receivedMs).toString();
        String time = Fields.time(p, "time", now);
        String session = Fields.text(p, "session");
        Host was = hosts.get(host);
        Host next = switch (leaf) {
            case Topics.STATUS -> {
                String s = Fields.text(p, "status");
                yield new Host("online".equals(s) || "offline".equals(s) ? s : "unknown", time, session);
            }
            case Topics.BIRTH -> was != null && was.status().equals("online") && java.util.Objects.equals(was.session(), session)
                    ? was : new Host("online", time, session);
            default -> new Host("offline", time, session);
        };
        if (leaf.equals(Topics.BIRTH)) {
            for (JsonNode r : p.path("rigs")) {
                String id = Fields.text(r, "id");
                String state = Fields.text(r, "state");
                if (id != null && Fields.RIG.matcher(id).matches() && !rigs.containsKey(host + "/" + id) && state != null) {
                    Rig rig = rig(host, id);
                    if (rig != null) {
                        rig.state = state;
                        rig.since = time;
                        notify("rig", () -> rigJson(host + "/" + id, receivedMs));
                    }
                }
            }
        }
        if (next.equals(was)) {
            return;
        }
        hosts.put(host, next);
        notify("host", () -> hostJson(host, receivedMs));
        if (was == null || was.status().equals("offline") != next.status().equals("offline")) {
            rigs.keySet().stream().filter(k -> k.startsWith(host + "/")).toList().forEach(k -> notify("rig", () -> rigJson(k, receivedMs)));
        }
    }

    private void rigMessage(String host, String rigId, String leaf, JsonNode p, long receivedMs) {
        String key = host + "/" + rigId;
        Rig rig = rig(host, rigId);
        if (rig == null) {
            return;
        }
        String now = Instant.ofEpochMilli(receivedMs).toString();
        if (leaf.equals(Topics.STATE)) {
            String state = Fields.text(p, "state");
            rig.state = state == null ? "unknown" : state;
            rig.job = Fields.text(p, "job");
            rig.since = Fields.time(p, "since", now);
            notify("rig", () -> rigJson(key, receivedMs));
            return;
        }
        String runId = Fields.text(p, "run_id");
        if (runId == null) {
            return;
        }
        if (!Fields.RUN_ID.matcher(runId).matches() || runId.matches("\\.+")) {
            dropped++;
            return;
        }
        RunView run = runs.get(runId);
        if (run == null) {
            run = new RunView(runId, host, rigId, null);
            runs.put(runId, run);
        } else if (!run.host.equals(host) || !run.rig.equals(rigId)) {
            dropped++;
            return;
        }
        String job = Fields.text(p, "job");
        if (job != null) {
            run.job = job;
        }
        switch (leaf) {
            case Topics.RUN -> {
                JsonNode manifest = p.path("manifest");
                if ("start".equals(Fields.text(p, "event"))) {
                    run.status = "running";
                    run.started = Fields.time(manifest, "start_time", Fields.time(p, "time", now));
                    long planned = Fields.integer(manifest.path("config"), "iterations", -1);
                    if (planned >= 0) {
                        run.iterationsPlanned = planned;
                    }
                } else if ("stop".equals(Fields.text(p, "event"))) {
                    String status = Fields.text(p, "status");
                    run.status = status == null ? "unknown" : status;
                }
            }
            case Topics.ITERATION -> {
                run.iteration(p, Fields.time(p, "time", now));
                String cal = Fields.text(p, "calibration_id");
                if (cal != null) {
                    rig.calibrationId = cal;
                }
            }
            default -> run.timing(p);
        }
        if (run.started == null) {
            run.started = Fields.time(p, "time", now);
        }
        run.findFiles(runsDir);
        boolean newRun = !runId.equals(rig.runId);
        if (newRun && (rig.runId == null || !runs.containsKey(rig.runId) || runs.get(rig.runId).started.compareTo(run.started) <= 0)) {
            rig.runId = runId;
        }
        trimRuns();
        if (runs.containsKey(runId)) {
            RunView changed = run;
            notify("run", () -> changed.json(receivedMs));
        }
        if (leaf.equals(Topics.ITERATION) || rig.runId.equals(runId) && newRun) {
            notify("rig", () -> rigJson(key, receivedMs));
        }
    }

    /** The rig, made when new; null (and counted) when there are already {@link #MAX_RIGS}. */
    private Rig rig(String host, String rigId) {
        String key = host + "/" + rigId;
        Rig r = rigs.get(key);
        if (r == null) {
            if (rigs.size() >= MAX_RIGS) {
                dropped++;
                return null;
            }
            r = new Rig();
            rigs.put(key, r);
        }
        return r;
    }

    private void trimRuns() {
        while (runs.size() > MAX_RUNS) {
            List<RunView> order = newestFirst();
            runs.remove(order.get(order.size() - 1).runId);
        }
    }

    private List<RunView> newestFirst() {
        List<RunView> l = new ArrayList<>(runs.values());
        l.sort(Comparator.comparing((RunView r) -> r.started).thenComparing(r -> r.runId).reversed());
        return l;
    }

    private ObjectNode hostJson(String host, long receivedMs) {
        Host h = hosts.get(host);
        ObjectNode o = Fields.JSON.objectNode();
        o.put("host", host);
        o.put("status", h.status());
        o.put("since", h.since());
        o.put("session", h.session());
        o.put("mqtt_received_ms", receivedMs);
        return o;
    }

    private ObjectNode rigJson(String key, long receivedMs) {
        Rig r = rigs.get(key);
        int slash = key.indexOf('/');
        Host h = hosts.get(key.substring(0, slash));
        ObjectNode o = Fields.JSON.objectNode();
        o.put("host", key.substring(0, slash));
        o.put("rig", key.substring(slash + 1));
        o.put("key", key);
        o.put("state", h != null && h.status().equals("offline") ? "offline" : r.state);
        o.put("job", r.job);
        o.put("since", r.since);
        o.put("calibration_id", r.calibrationId);
        o.put("run_id", r.runId != null && runs.containsKey(r.runId) ? r.runId : null);
        o.put("mqtt_received_ms", receivedMs);
        return o;
    }

    /** Tells the listeners, building the changed entity's JSON only when there are any. */
    private void notify(String kind, java.util.function.Supplier<ObjectNode> json) {
        if (listeners.isEmpty()) {
            return;
        }
        Change c = new Change(kind, json.get());
        listeners.forEach(l -> l.accept(c));
    }
}
