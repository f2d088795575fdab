package org.tileloop.telemetry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.StimulusResult;
import org.tileloop.run.RunListener;
import org.tileloop.run.RunStop;
import org.tileloop.train.Iteration;
import org.tileloop.train.LossTerms;
import org.tileloop.train.Trace;

/**
 * Turns one training run's documents into messages on its rig's {@code run}, {@code iteration}
 * and {@code timing} streams (see README, "Topics (v1)"). The only place an iteration becomes a
 * message: its terms are keyed by {@link LossTerms#NAMES}, as {@link Metrics} announces them.
 * Publishing only enqueues, so these methods return quickly and never throw.
 */
public final class RunTelemetry implements RunListener {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TelemetryPublisher out;
    private final String rig;
    private final String job;
    private final String runId;

    /**
     * @param job the daemon job running the run
     * @param runId the run directory's name
     */
    public RunTelemetry(TelemetryPublisher out, String rig, String job, String runId) {
        this.out = out;
        this.rig = rig;
        this.job = job;
        this.runId = runId;
    }

    /** {@code event: start} with the manifest as written. */
    @Override
    public void started(ObjectNode manifest) {
        ObjectNode e = JSON.objectNode();
        e.put("event", "start");
        e.put("job", job);
        e.put("run_id", runId);
        e.set("manifest", manifest);
        out.publish(Topics.rig(rig, Topics.RUN), e, false);
    }

    /** {@code event: stop} with the run's status, reason and final manifest. */
    @Override
    public void stopped(RunStop stop, ObjectNode manifest) {
        ObjectNode e = JSON.objectNode();
        e.put("event", "stop");
        e.put("job", job);
        e.put("run_id", runId);
        e.put("status", stop.status().wire());
        e.put("reason", stop.reason());
        e.set("manifest", manifest);
        out.publish(Topics.rig(rig, Topics.RUN), e, false);
    }

    /** The iteration message, then one timing message per measured trace (train, then holdout). */
    @Override
    public void iteration(Iteration it) {
        out.publish(Topics.rig(rig, Topics.ITERATION), message(it), false);
        it.traces().forEach(m -> out.publish(Topics.rig(rig, Topics.TIMING), timing(job, runId, it.index(), m.trace(), m.result()), false));
    }

    /** The iteration message: the same names and units as {@code iterations.csv}. */
    ObjectNode message(Iteration it) {
        LossTerms train = it.train();
        Optional<LossTerms> holdout = it.holdout();
        ObjectNode m = JSON.objectNode();
        m.put("job", job);
        m.put("run_id", runId);
        m.put("time", it.time().toString());
        m.put("iteration", it.index());
        m.put("iterations", it.iterations());
        m.put("measurements", it.measurements());
        m.put("loss_train_ns2", train.total());
        if (holdout.isPresent()) {
            m.put("loss_holdout_ns2", holdout.get().total());
        } else {
            m.putNull("loss_holdout_ns2");
        }
        m.set("terms_train", byTerm(train.values()));
        m.set("terms_holdout", holdout.isPresent() ? byTerm(holdout.get().values()) : JSON.nullNode());
        m.set("pct", byTerm(train.percentages()));
        ObjectNode values = m.putObject("parameters");
        ObjectNode gradient = m.putObject("gradient");
        ObjectNode step = m.putObject("step");
        for (Iteration.ParameterUpdate p : it.parameters()) {
            values.put(p.name(), p.value());
            gradient.put(p.name(), p.gradient());
            step.put(p.name(), p.step());
        }
        if (it.driftPs().isPresent()) {
            m.put("drift_ps", it.driftPs().getAsDouble());
        } else {
            m.putNull("drift_ps");
        }
        m.put("calibration_id", it.calibrationId());
        return m;
    }

    /** Loss term name to value, in {@link LossTerms#NAMES} order. */
    private static ObjectNode byTerm(double[] v) {
        ObjectNode n = JSON.objectNode();
        for (int i = 0; i < v.length; i++) {
            n.put(LossTerms.NAMES.get(i), v[i]);
        }
        return n;
    }

    /**
     * A timing message: a trace of a run ({@code runId}, {@code iteration} and {@code trace} set),
     * or of a {@code measure} job ({@code runId} and {@code trace} null).
     */
    static ObjectNode timing(String job, String runId, int iteration, Trace trace, StimulusResult r) {
        ObjectNode t = JSON.objectNode();
        t.put("job", job);
        if (runId != null) {
            t.put("run_id", runId);
            t.put("iteration", iteration);
        }
        if (trace != null) {
            t.put("split", trace.split());
        }
        t.put("delay_ns", r.stimulus().delayNs());
        ObjectNode inputs = t.putObject("input_delays_ns");
        r.stimulus().inputDelaysNs().forEach(inputs::put);
        if (r.energyPj().isPresent()) {
            t.put("energy_pj", r.energyPj().getAsDouble());
        }
        ArrayNode chans = t.putArray("channels");
        for (int c = 0; c < r.channels().size(); c++) {
            ChannelResult ch = r.channels().get(c);
            ObjectNode cn = chans.addObject();
            cn.put("name", ch.name());
            var first = ch.firstSpike();
            if (first.isPresent()) {
                cn.put("first_spike_raw_ns", first.get().rawNs());
                cn.put("first_spike_ns", first.get().calibratedNs());
                cn.put("calibration_id", first.get().calibrationId());
            } else {
                cn.putNull("first_spike_ns");
            }
            if (ch.spikeCount().isPresent()) {
                cn.put("spike_count", ch.spikeCount().getAsInt());
            } else {
                cn.putNull("spike_count");
            }
            if (trace != null && trace.targetsNs().get(c).isPresent()) {
                cn.put("target_ns", trace.targetsNs().get(c).getAsDouble());
            }
        }
        return t;
    }
}
