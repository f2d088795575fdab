package org.tileloop.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tileloop.run.RunStatus;

/**
 * One unit of work on one rig. Its state is {@value #QUEUED} until it starts, then a
 * {@link RunStatus}: {@code running}, and at the end {@code completed}, {@code paused} (a
 * training paused on request or by the rig; resumable), {@code aborted} (cancelled by a user,
 * also before it started, or stopped by the daemon's shutdown) or {@code failed}. State changes
 * are synchronised on the job.
 */
final class Job {
    /** The state of a job that has not started. */
    static final String QUEUED = "queued";

    final String id;
    final String rig;
    final String kind;
    final ObjectNode spec;
    final AtomicBoolean stop = new AtomicBoolean();
    final Instant submitted;
    /** Null while queued. */
    private RunStatus status;
    private String runDir;
    private String reason = "";
    private boolean pauseRequested;
    private boolean byShutdown;
    private ObjectNode result;

    Job(String id, String rig, String kind, ObjectNode spec) {
        this(id, rig, kind, spec, Instant.now());
    }

    private Job(String id, String rig, String kind, ObjectNode spec, Instant submitted) {
        this.id = id;
        this.rig = rig;
        this.kind = kind;
        this.spec = spec;
        this.submitted = submitted;
    }

    /** A job as {@link #toJson} recorded it (the daemon's job file), checked. */
    static Job restore(ObjectNode r) {
        Job j;
        try {
            j = new Job(r.get("id").asText(), r.get("rig").asText(), r.get("kind").asText(), (ObjectNode) r.get("spec"),
                    Instant.parse(r.path("submitted").asText()));
        } catch (java.time.DateTimeException e) {
            throw new org.tileloop.rig.RigConfigurationException("job " + r.get("id").asText() + ": submitted: not an ISO-8601 time");
        }
        String state = r.get("state").asText();
        if (!state.equals(QUEUED)) {
            j.status = RunStatus.fromWire(state).orElseThrow(() -> new org.tileloop.rig.RigConfigurationException("job "
                    + j.id + ": state: '" + org.tileloop.input.StrictInput.printable(state) + "' is not a job state"));
        }
        j.reason = r.path("reason").asText("");
        j.runDir = r.hasNonNull("run_dir") ? r.get("run_dir").asText() : null;
        j.result = r.get("result") instanceof ObjectNode o ? o : null;
        j.byShutdown = r.path("paused_by_shutdown").asBoolean(false);
        return j;
    }

    /** Queues again a job whose daemon died while it ran; a training continues its run directory. */
    synchronized void requeue(String why) {
        status = null;
        reason = why;
        stop.set(false);
        pauseRequested = false;
        byShutdown = false;
    }

    synchronized boolean queued() {
        return status == null;
    }

    synchronized boolean is(RunStatus s) {
        return status == s;
    }

    /** {@value #QUEUED} or the status's wire name. */
    synchronized String state() {
        return status == null ? QUEUED : status.wire();
    }

    /** Marks a queued job running; false when it is no longer queued (cancelled meanwhile). */
    synchronized boolean start() {
        if (status != null) {
            return false;
        }
        status = RunStatus.RUNNING;
        return true;
    }

    synchronized void status(RunStatus s, String why) {
        status = s;
        reason = why == null ? "" : why;
    }

    synchronized String reason() {
        return reason;
    }

    synchronized void runDir(String dir) {
        runDir = dir;
    }

    synchronized String runDir() {
        return runDir;
    }

    synchronized void requestPause() {
        pauseRequested = true;
        stop.set(true);
    }

    /** Pauses a running job because the daemon shuts down; a restarted daemon resumes it. */
    synchronized void pauseForShutdown() {
        byShutdown = !pauseRequested;
        requestPause();
    }

    /** Whether the daemon's shutdown paused it (and the next daemon should resume it). */
    synchronized boolean pausedByShutdown() {
        return byShutdown && status == RunStatus.PAUSED;
    }

    synchronized boolean pauseRequested() {
        return pauseRequested;
    }

    synchronized void result(ObjectNode r) {
        result = r;
    }

    /** Largest result carried in a {@code jobs} listing, bytes; larger ones are left out (the run directory has them). */
    static final int MAX_LISTED_RESULT_BYTES = 2048;

    /** As {@link #toJson}, with a large result replaced by its size, so a listing of many jobs stays small. */
    synchronized ObjectNode summary(ObjectMapper json) {
        ObjectNode n = toJson(json);
        if (result != null && result.toString().length() > MAX_LISTED_RESULT_BYTES) {
            n.remove("result");
            n.put("result_bytes", result.toString().length());
        }
        return n;
    }

    synchronized ObjectNode toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("id", id);
        n.put("rig", rig);
        n.put("kind", kind);
        n.put("state", state());
        n.put("submitted", submitted.toString());
        n.put("reason", reason);
        if (runDir != null) {
            n.put("run_dir", runDir);
        }
        n.set("spec", spec.deepCopy());
        if (result != null) {
            n.set("result", result.deepCopy());
        }
        if (byShutdown) {
            n.put("paused_by_shutdown", true);
        }
        return n;
    }
}
