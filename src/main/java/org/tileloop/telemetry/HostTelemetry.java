package org.tileloop.telemetry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Function;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.StimulusResult;

/**
 * What a daemon publishes about its host and rigs outside a training run: the birth message, rig
 * states, and the traces of {@code measure} jobs (see README, "Topics (v1)").
 */
public final class HostTelemetry {

    private final TelemetryPublisher out;

    public HostTelemetry(TelemetryPublisher out) {
        this.out = out;
    }

    /**
     * The birth payload (the session adds {@code connect} and {@code time}).
     *
     * @param stateOf a rig's current state by rig id
     */
    public static ObjectNode birth(String host, String version, Collection<RigDescription> rigs, Function<String, String> stateOf) {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("host", host);
        b.put("tileloop_version", version);
        ArrayNode rs = b.putArray("rigs");
        for (RigDescription d : rigs) {
            ObjectNode r = rs.addObject();
            r.put("id", d.id());
            r.put("kind", d.kind().name().toLowerCase(Locale.ROOT));
            r.put("description", d.description());
            d.channels().forEach(c -> r.withArray("channels").add(c.name()));
            for (ParameterSpec p : d.parameters()) {
                ObjectNode pn = r.withArray("parameters").addObject();
                pn.put("name", p.name());
                pn.put("unit", p.unit());
                pn.put("min", p.min());
                pn.put("max", p.max());
            }
            r.put("state", stateOf.apply(d.id()));
        }
        b.set("metrics", Metrics.json());
        return b;
    }

    /**
     * Publishes a rig's state (retained).
     *
     * @param state {@code idle}, {@code running}, {@code paused} or {@code faulted}
     * @param job the job it concerns, null for none
     */
    public void state(String rig, String state, String job) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("rig", rig);
        s.put("state", state);
        s.put("job", job);
        s.put("since", Instant.now().toString());
        out.publish(Topics.rig(rig, Topics.STATE), s, true);
    }

    /** Publishes one trace a {@code measure} job measured on {@code rig}; returns the message. */
    public ObjectNode measured(String rig, String job, StimulusResult result) {
        ObjectNode t = RunTelemetry.timing(job, null, -1, null, result);
        out.publish(Topics.rig(rig, Topics.TIMING), t, false);
        return t;
    }
}
