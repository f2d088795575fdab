package org.tileloop.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the dashboard knows of one run: its status, its iterations (at most {@link #MAX_ITERATIONS},
 * the oldest dropped) and the first-spike traces of its latest iteration. Not thread-safe: only
 * {@link DashboardState} touches it, under its lock.
 */
final class RunView {

    static final int MAX_ITERATIONS = 10_000;
    /** Most traces kept of one iteration. */
    static final int MAX_TRACES = 1_000;
    /** Most channels kept of one trace. */
    static final int MAX_CHANNELS = 256;
    /** The run files the dashboard serves, in the order listed. */
    static final List<String> FILES = List.of("summary.md", "loss.svg", "parameters.svg", "accuracy.svg", "iterations.csv");

    final String runId;
    final String host;
    final String rig;
    String job;
    String status = "running";
    long iterationsPlanned = -1;
    /** When the run started (its start event, else its first iteration), ISO-8601; orders runs. */
    String started;
    final TreeMap<Long, ObjectNode> iterations = new TreeMap<>();
    long timingIteration = Long.MIN_VALUE;
    final List<ObjectNode> timing = new ArrayList<>();
    List<String> files = List.of();

    RunView(String runId, String host, String rig, String started) {
        this.runId = runId;
        this.host = host;
        this.rig = rig;
        this.started = started;
    }

    /** An iteration message: replaces an iteration of the same index (a resumed run repeats none, but a replay may). */
    void iteration(JsonNode p, String time) {
        long index = Fields.integer(p, "iteration", -1);
        if (index < 0) {
            return;
        }
        ObjectNode it = Fields.JSON.objectNode();
        it.put("iteration", index);
        it.put("time", time);
        it.set("measurements", Fields.number(p, "measurements"));
        it.set("loss_train_ns2", Fields.number(p, "loss_train_ns2"));
        it.set("loss_holdout_ns2", Fields.number(p, "loss_holdout_ns2"));
        it.set("terms_train", Fields.numbers(p, "terms_train"));
        it.set("terms_holdout", Fields.numbers(p, "terms_holdout"));
        it.set("parameters", Fields.numbers(p, "parameters"));
        iterations.put(index, it);
        while (iterations.size() > MAX_ITERATIONS) {
            iterations.pollFirstEntry();
        }
        long planned = Fields.integer(p, "iterations", -1);
        if (planned >= 0) {
            iterationsPlanned = planned;
        }
        if (started == null) {
            started = time;
        }
    }

    /** A timing message of this run: a later iteration replaces the traces kept. */
    void timing(JsonNode p) {
        long index = Fields.integer(p, "iteration", -1);
        if (index < timingIteration) {
            return;
        }
        if (index > timingIteration) {
            timing.clear();
            timingIteration = index;
        }
        if (timing.size() >= MAX_TRACES) {
            return;
        }
        ObjectNode t = Fields.JSON.objectNode();
        t.put("iteration", index);
        t.put("split", Fields.text(p, "split"));
        t.set("delay_ns", Fields.number(p, "delay_ns"));
        ArrayNode channels = t.putArray("channels");
        JsonNode cs = p.path("channels");
        for (int i = 0; i < cs.size() && i < MAX_CHANNELS; i++) {
            JsonNode c = cs.get(i);
            ObjectNode cn = channels.addObject();
            cn.put("name", Fields.text(c, "name"));
            cn.set("first_spike_ns", Fields.number(c, "first_spike_ns"));
            cn.set("target_ns", Fields.number(c, "target_ns"));
        }
        timing.add(t);
    }

    /** Which of {@link #FILES} exist in this run's directory under {@code runsDir}. */
    void findFiles(Optional<Path> runsDir) {
        if (runsDir.isEmpty()) {
            return;
        }
        Path dir = runsDir.get().resolve(runId);
        files = FILES.stream().filter(f -> Files.isRegularFile(dir.resolve(f))).toList();
    }

    ObjectNode json(long mqttReceivedMs) {
        ObjectNode r = Fields.JSON.objectNode();
        r.put("run_id", runId);
        r.put("host", host);
        r.put("rig", rig);
        r.put("job", job);
        r.put("status", status);
        if (iterationsPlanned >= 0) {
            r.put("iterations_planned", iterationsPlanned);
        } else {
            r.putNull("iterations_planned");
        }
        r.put("started", started);
        ArrayNode its = r.putArray("iterations");
        iterations.values().forEach(its::add);
        ArrayNode t = r.putArray("timing");
        timing.forEach(t::add);
        ArrayNode f = r.putArray("files");
        files.forEach(f::add);
        r.put("mqtt_received_ms", mqttReceivedMs);
        return r;
    }
}
