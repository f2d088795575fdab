package org.tileloop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
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
import org.tileloop.telemetry.HostTelemetry;
import org.tileloop.telemetry.RunTelemetry;
import org.tileloop.telemetry.TelemetryPublisher;
import org.tileloop.train.Checkpoint;
import org.tileloop.train.Iteration;
import org.tileloop.train.LossTerms;
import org.tileloop.train.Trace;

/** The reducer fed the messages {@link RunTelemetry} and {@link HostTelemetry} publish. */
class DashboardStateTest {

    static final RigDescription RIG = new RigDescription("tile", RigKind.SIMULATED, "a tile", List.of(
            new ParameterSpec("r_fb", "ohm", 2000, 6000, 3000, 1000, 20000, true)),
            List.of(new ChannelSpec("n0", "", 0.9, 0), new ChannelSpec("n1", "", 0.9, 0)),
            List.of(new InputSpec("in0", "", "", "r_fb", 0.05, 10)));

    final List<Change> changes = new ArrayList<>();
    final DashboardState state = new DashboardState(Optional.empty());
    long clock = 1_000;

    /** Publishes straight into the reducer as if from host {@code h1}. */
    final TelemetryPublisher out = new TelemetryPublisher() {
        @Override
        public void publish(String stream, ObjectNode payload, boolean retained) {
            state.accept("tileloop/v1/h1/" + stream, payload.toString().getBytes(StandardCharsets.UTF_8), clock++);
        }

        @Override
        public void close(String deathReason) {
        }
    };

    static Iteration iteration(int index, double timingNs2, Optional<LossTerms> holdout) {
        Stimulus s = Stimulus.delay(RIG, 4.5);
        StimulusResult r = new StimulusResult(s, List.of(ChannelResult.counted("n0", List.of(new Timing(6.1, 6.0, "cal-1"))),
                ChannelResult.counted("n1", List.of())), OptionalDouble.empty());
        Trace t = new Trace(Trace.TRAIN, s, List.of(OptionalDouble.of(6.2), OptionalDouble.empty()), List.of(OptionalInt.empty(), OptionalInt.empty()));
        return new Iteration(index, 3, Instant.ofEpochSecond(100 + index), 48, new LossTerms(timingNs2, 0.1, 0, 0, 0), holdout,
                OptionalDouble.empty(), OptionalDouble.empty(), List.of(new Iteration.ParameterUpdate("r_fb", 3000 - index, 0.3, -1)),
                OptionalDouble.empty(), "cal-1", List.of(new Iteration.Measured(t, r)), Checkpoint.start(new double[] {0.5}, 48, 0), java.util.Optional.empty(), java.util.Optional.empty());
    }

    @Test
    void aRunFromItsMessages() {
        state.listen(changes::add);
        RunTelemetry run = new RunTelemetry(out, "tile", "j7", "20260101T000000Z-ab");
        ObjectNode manifest = JsonNodeFactory.instance.objectNode().put("start_time", "2026-01-01T00:00:00Z");
        manifest.putObject("config").put("iterations", 3);
        run.started(manifest);
        for (int i = 0; i <= 3; i++) {
            run.iteration(iteration(i, 0.5 / (i + 1), i % 2 == 0 ? Optional.of(new LossTerms(0.25, 0, 0, 0, 0)) : Optional.empty()));
        }
        run.stopped(new RunStop(RunStatus.COMPLETED, "reached 3 iterations"), manifest);
        JsonNode r = state.snapshot().get("runs").get(0);
        assertEquals("completed", r.get("status").asText());
        assertEquals("j7", r.get("job").asText());
        assertEquals(3, r.get("iterations_planned").asInt());
        assertEquals(4, r.get("iterations").size());
        assertEquals(0.5 / 4 + 0.1, r.get("iterations").get(3).get("loss_train_ns2").doubleValue(), 1e-15);
        assertEquals(0.25, r.get("iterations").get(2).get("loss_holdout_ns2").doubleValue());
        assertTrue(r.get("iterations").get(1).get("loss_holdout_ns2").isNull());
        assertTrue(r.get("iterations").get(1).get("terms_holdout").isNull());
        assertEquals(0.1, r.get("iterations").get(0).get("terms_train").get("missing").doubleValue());
        assertEquals(2997.0, r.get("iterations").get(3).get("parameters").get("r_fb").doubleValue());
        JsonNode trace = r.get("timing").get(0);
        assertEquals(1, r.get("timing").size(), "only the latest iteration's traces");
        assertEquals(3, trace.get("iteration").asInt());
        assertEquals(6.0, trace.get("channels").get(0).get("first_spike_ns").doubleValue());
        assertEquals(6.2, trace.get("channels").get(0).get("target_ns").doubleValue());
        assertTrue(trace.get("channels").get(1).get("first_spike_ns").isNull());
        assertTrue(trace.get("channels").get(1).get("target_ns").isNull());
        assertEquals("cal-1", state.snapshot().get("rigs").get(0).get("calibration_id").asText());
        long runEvents = changes.stream().filter(c -> c.kind.equals("run")).count();
        assertEquals(1 + 4 * 2 + 1, runEvents, "start, each iteration and its trace, stop");
        assertEquals(0, state.dropped());
    }

    @Test
    void anOfflineHostShowsItsRigsOffline() {
        state.listen(changes::add);
        state.accept("tileloop/v1/h1/birth", HostTelemetry.birth("h1", "1", List.of(RIG), id -> "idle").put("time", "2026-01-01T00:00:00Z")
                .put("session", "s1").toString().getBytes(StandardCharsets.UTF_8), 5);
        new HostTelemetry(out).state("tile", "running", "j3");
        assertEquals("running", state.snapshot().get("rigs").get(0).get("state").asText());
        state.accept("tileloop/v1/h1/status", "{\"status\":\"offline\",\"session\":\"s1\",\"time\":\"2026-01-01T00:01:00Z\"}"
                .getBytes(StandardCharsets.UTF_8), 6);
        JsonNode s = state.snapshot();
        assertEquals("offline", s.get("hosts").get(0).get("status").asText());
        assertEquals("2026-01-01T00:01:00Z", s.get("hosts").get(0).get("since").asText());
        assertEquals("offline", s.get("rigs").get(0).get("state").asText());
        Change last = changes.get(changes.size() - 1);
        assertEquals("rig", last.kind);
        assertEquals("offline", last.json.get("state").asText());
        assertEquals(6, last.json.get("mqtt_received_ms").asLong());
    }

    @Test
    void memoryIsBounded() {
        for (int i = 0; i < DashboardState.MAX_RUNS + 10; i++) {
            new RunTelemetry(out, "tile", "j" + i, String.format("run-%03d", i)).iteration(iteration(0, 1, Optional.empty()));
        }
        JsonNode runs = state.snapshot().get("runs");
        assertEquals(DashboardState.MAX_RUNS, runs.size());
        assertEquals("run-059", runs.get(0).get("run_id").asText(), "newest first");
        assertEquals("run-010", runs.get(DashboardState.MAX_RUNS - 1).get("run_id").asText(), "the oldest ten dropped");
        RunTelemetry big = new RunTelemetry(out, "tile", "jb", "run-big");
        for (int i = 0; i < RunView.MAX_ITERATIONS + 5; i++) {
            big.iteration(iteration(i, 1, Optional.empty()));
        }
        JsonNode its = state.snapshot().get("runs").get(0).get("iterations");
        assertEquals(RunView.MAX_ITERATIONS, its.size());
        assertEquals(5, its.get(0).get("iteration").asInt());
    }
}
