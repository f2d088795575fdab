package org.tileloop.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;
import org.tileloop.run.RunStatus;
import org.tileloop.run.RunStop;
import org.tileloop.train.Checkpoint;
import org.tileloop.train.Iteration;
import org.tileloop.train.LossTerms;
import org.tileloop.train.Trace;

/** The telemetry messages' shape, without a broker: a recording publisher. */
class RunTelemetryTest {

    static final ObjectMapper JSON = new ObjectMapper();

    record Sent(String stream, ObjectNode payload, boolean retained) {
    }

    static final class Recorder implements TelemetryPublisher {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public void publish(String stream, ObjectNode payload, boolean retained) {
            sent.add(new Sent(stream, payload.deepCopy(), retained));
        }

        @Override
        public void close(String deathReason) {
        }
    }

    static final RigDescription RIG = new RigDescription("tile", RigKind.SIMULATED, "a tile", List.of(
            new ParameterSpec("r_fb", "ohm", 2000, 6000, 3000, 1000, 20000, true),
            new ParameterSpec("iin_amp", "V", 1.2, 1.8, 1.4, 0, 2, true)),
            List.of(new ChannelSpec("n0", "", 0.9, 0), new ChannelSpec("n1", "", 0.9, 0)),
            List.of(new InputSpec("in0", "", "", "iin_amp", 0.05, 10)));

    static final LossTerms TRAIN = new LossTerms(0.5, 0.1, 0, 0.2, 0, 0.2);

    static Iteration iteration(Optional<LossTerms> holdout, OptionalDouble drift) {
        Stimulus s = Stimulus.delay(RIG, 4.5);
        StimulusResult r = new StimulusResult(s, List.of(ChannelResult.counted("n0", List.of(new Timing(6.1, 6.0, "cal-1"))),
                ChannelResult.counted("n1", List.of())), OptionalDouble.of(3.5));
        Trace t = new Trace(Trace.TRAIN, s, List.of(OptionalDouble.of(6.2), OptionalDouble.empty()),
                List.of(OptionalInt.empty(), OptionalInt.empty()));
        return new Iteration(2, 6, Instant.EPOCH, 48, TRAIN, holdout, OptionalDouble.empty(), OptionalDouble.empty(),
                List.of(new Iteration.ParameterUpdate("r_fb", 2500, 0.31, -105.2), new Iteration.ParameterUpdate("iin_amp", 1.52, -0.45, 0.017)),
                drift, "cal-1", List.of(new Iteration.Measured(t, r)), Checkpoint.start(new double[] {0.5, 0.5}, 48, 0), java.util.Optional.empty(), java.util.Optional.empty());
    }

    @Test
    void theBirthAnnouncesEveryLossTermAsAMetric() {
        ObjectNode birth = HostTelemetry.birth("h", "1.0", List.of(RIG), id -> "idle");
        Set<String> metrics = new TreeSet<>();
        birth.get("metrics").forEach(m -> {
            metrics.add(m.get("name").asText());
            assertTrue(!m.get("unit").asText().isEmpty(), m.toString());
        });
        assertTrue(metrics.containsAll(LossTerms.NAMES), metrics + " lacks a term of " + LossTerms.NAMES);
        assertTrue(metrics.containsAll(List.of("loss_train_ns2", "loss_holdout_ns2", "first_spike_ns", "first_spike_raw_ns", "drift_ps")));
        JsonNode rig = birth.get("rigs").get(0);
        assertEquals("tile", rig.get("id").asText());
        assertEquals("simulated", rig.get("kind").asText());
        assertEquals("idle", rig.get("state").asText());
        assertEquals("[\"n0\",\"n1\"]", rig.get("channels").toString());
        assertEquals("ohm", rig.get("parameters").get(0).get("unit").asText());
    }

    @Test
    void anIterationBecomesOneIterationMessageAndATimingMessagePerTrace() {
        Recorder out = new Recorder();
        new RunTelemetry(out, "tile", "j1", "run-1").iteration(iteration(Optional.empty(), OptionalDouble.empty()));
        assertEquals(List.of("rig/tile/iteration", "rig/tile/timing"), out.sent.stream().map(Sent::stream).toList());
        ObjectNode m = out.sent.get(0).payload();
        assertEquals(List.of("job", "run_id", "time", "iteration", "iterations", "measurements", "loss_train_ns2", "loss_holdout_ns2", "terms_train",
                "terms_holdout", "pct", "parameters", "gradient", "step", "drift_ps", "calibration_id"), fields(m));
        assertEquals(2, m.get("iteration").asInt());
        assertEquals(6, m.get("iterations").asInt());
        assertEquals(48, m.get("measurements").asLong());
        assertEquals("1970-01-01T00:00:00Z", m.get("time").asText());
        assertEquals(1.0, m.get("loss_train_ns2").asDouble(), 1e-12);
        assertTrue(m.get("loss_holdout_ns2").isNull() && m.get("terms_holdout").isNull() && m.get("drift_ps").isNull());
        assertEquals(LossTerms.NAMES, fields(m.get("terms_train")));
        assertEquals(0.2, m.get("terms_train").get("class").asDouble(), 1e-12);
        assertEquals(LossTerms.NAMES, fields(m.get("pct")));
        assertEquals(50.0, m.get("pct").get("timing").asDouble(), 1e-9);
        assertEquals("{\"r_fb\":2500.0,\"iin_amp\":1.52}", m.get("parameters").toString());
        assertEquals("{\"r_fb\":0.31,\"iin_amp\":-0.45}", m.get("gradient").toString());
        assertEquals("{\"r_fb\":-105.2,\"iin_amp\":0.017}", m.get("step").toString());
        assertEquals("cal-1", m.get("calibration_id").asText());

        ObjectNode t = out.sent.get(1).payload();
        assertEquals("{\"job\":\"j1\",\"run_id\":\"run-1\",\"iteration\":2,\"split\":\"train\",\"delay_ns\":4.5,\"input_delays_ns\":{\"in0\":4.5},"
                + "\"energy_pj\":3.5,\"channels\":[{\"name\":\"n0\",\"first_spike_raw_ns\":6.1,\"first_spike_ns\":6.0,\"calibration_id\":\"cal-1\","
                + "\"spike_count\":1,\"target_ns\":6.2},{\"name\":\"n1\",\"first_spike_ns\":null,\"spike_count\":0}]}", t.toString());
        assertTrue(out.sent.stream().noneMatch(Sent::retained));
    }

    @Test
    void holdoutAndDriftAreNumbersWhenPresent() {
        Recorder out = new Recorder();
        LossTerms holdout = new LossTerms(0.25, 0, 0, 0, 0, 0);
        new RunTelemetry(out, "tile", "j1", "run-1").iteration(iteration(Optional.of(holdout), OptionalDouble.of(12.5)));
        ObjectNode m = out.sent.get(0).payload();
        assertEquals(0.25, m.get("loss_holdout_ns2").asDouble(), 1e-12);
        assertEquals(LossTerms.NAMES, fields(m.get("terms_holdout")));
        assertEquals(12.5, m.get("drift_ps").asDouble(), 1e-12);
    }

    @Test
    void runEventsCarryTheStopStatusInTheRunVocabulary() {
        Recorder out = new Recorder();
        RunTelemetry t = new RunTelemetry(out, "tile", "j1", "run-1");
        ObjectNode manifest = JSON.createObjectNode().put("status", "aborted");
        t.started(manifest);
        t.stopped(new RunStop(RunStatus.PAUSED, "paused on request"), manifest);
        assertEquals(List.of("rig/tile/run", "rig/tile/run"), out.sent.stream().map(Sent::stream).toList());
        assertEquals("start", out.sent.get(0).payload().get("event").asText());
        ObjectNode stop = out.sent.get(1).payload();
        assertEquals(List.of("event", "job", "run_id", "status", "reason", "manifest"), fields(stop));
        assertEquals("paused", stop.get("status").asText());
        assertEquals("paused on request", stop.get("reason").asText());
    }

    @Test
    void rigStatesAreRetainedAndMeasureJobTracesHaveNoRun() {
        Recorder out = new Recorder();
        HostTelemetry h = new HostTelemetry(out);
        h.state("tile", "running", "j4");
        ObjectNode t = h.measured("tile", "j4", iteration(Optional.empty(), OptionalDouble.empty()).traces().get(0).result());
        assertEquals(List.of("rig/tile/state", "rig/tile/timing"), out.sent.stream().map(Sent::stream).toList());
        assertTrue(out.sent.get(0).retained());
        assertEquals(List.of("rig", "state", "job", "since"), fields(out.sent.get(0).payload()));
        assertEquals(List.of("job", "delay_ns", "input_delays_ns", "energy_pj", "channels"), fields(t));
    }

    @Test
    void topicsParseBackIntoHostAndRigStreams() {
        assertEquals("tileloop/v1/h/rig/tile/iteration", Topics.stream("h", Topics.rig("tile", Topics.ITERATION)));
        assertEquals(Optional.of(new Topics.Address("h", Optional.of("tile"), "iteration")), Topics.parse("tileloop/v1/h/rig/tile/iteration"));
        assertEquals(Optional.of(new Topics.Address("h", Optional.empty(), "birth")), Topics.parse("tileloop/v1/h/birth"));
        assertEquals(Optional.empty(), Topics.parse(Topics.reply("h", "c1")));
        assertEquals(Optional.empty(), Topics.parse("other/v1/h/birth"));
        assertEquals("tileloop/v1/+/#", Topics.everything(null));
        assertTrue(Topics.replyPattern("h").matcher(Topics.reply("h", "c-1")).matches());
    }

    static List<String> fields(JsonNode n) {
        List<String> f = new ArrayList<>();
        n.fieldNames().forEachRemaining(f::add);
        return f;
    }
}
