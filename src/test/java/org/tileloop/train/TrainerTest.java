package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.Timing;

/** The trainer on a recording fake rig: no simulator, no files; iterations go to a list. */
class TrainerTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    /** The sim-tile4-like task on the fake rig: targets are the rig's response at r_fb 4000, iin_amp 1.5. */
    static TrainingConfig config(Consumer<TrainingConfigBuilder> change) {
        return config(1, 0, change);
    }

    /** The same task with the targets of a mismatched fake ({@link RecordingRig#RecordingRig(double, double)}). */
    static TrainingConfig config(double sensitivity, double offsetNs, Consumer<TrainingConfigBuilder> change) {
        TrainingConfigBuilder c = new TrainingConfigBuilder();
        c.trainDelaysNs = List.of(4.0, 6.0);
        c.holdoutDelaysNs = List.of(5.0);
        Map<String, List<Double>> targets = new LinkedHashMap<>();
        for (double d : List.of(4.0, 5.0, 6.0)) {
            double[] t = RecordingRig.firstSpikesNs(d, 4000, 1.5, sensitivity, offsetNs);
            targets.put(TrainingConfig.key(d), List.of(t[0], t[1]));
        }
        c.targetsNs = targets;
        c.iterations = 8;
        change.accept(c);
        TrainingConfig built = c.build("test config");
        built.checkAgainst(RecordingRig.DESCRIPTION, "test config");
        return built;
    }

    record Run(List<Iteration> iterations, Checkpoint end) {
        Iteration last() {
            return iterations.get(iterations.size() - 1);
        }
    }

    static Run train(RecordingRig rig, TrainingConfig c, DriftGuard.Recalibration recal, Checkpoint from, List<LossTerms> history,
                     int stopAfter) throws IOException {
        TrainingTask task = TrainingTask.of(c, rig.description());
        List<Iteration> out = new ArrayList<>();
        Trainer t = new Trainer(rig, task, new DriftGuard(rig, c, recal), CLOCK);
        Checkpoint start = from != null ? from : Checkpoint.start(task.space().toUnit(task.initial()), 0, 0);
        Checkpoint end = t.run(start, history, out::add, () -> out.size() >= stopAfter);
        return new Run(out, end);
    }

    static Run train(TrainingConfig c) throws IOException {
        return train(new RecordingRig(), c, DriftGuard.NONE, null, List.of(), Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"normalized", "sgd", "momentum", "adam", "gauss_newton"})
    void everyGradientOptimizerReducesTheLossWithTheExpectedMeasurements(String optimizer) throws IOException {
        TrainingConfig c = config(x -> {
            x.optimizer = optimizer;
            x.estimator = "central";
            x.stepSize = optimizer.equals("sgd") ? 0.05 : 0.08;
        });
        RecordingRig rig = new RecordingRig();
        Run r = train(rig, c, DriftGuard.NONE, null, List.of(), Integer.MAX_VALUE);
        assertEquals(9, r.iterations().size(), "iterations 0..8");
        for (int k = 0; k <= 8; k++) {
            Iteration it = r.iterations().get(k);
            assertEquals(k, it.index());
            assertEquals(CLOCK.instant(), it.time());
            assertEquals(k == 8, it.last());
            assertEquals(3, it.traces().size(), "2 train + 1 holdout trace (eval_every 1)");
            assertEquals(k < 8 ? 5 * 2 + 1 : 2 + 1, rig.batches.get(k).size(), "central differences: 2n+1 points of 2 traces, then holdout");
        }
        assertEquals(8 * 11 + 3, r.end().measurements());
        assertEquals(r.end().measurements(), rig.probes());
        double first = r.iterations().get(0).train().total();
        double last = r.last().train().total();
        assertTrue(first > 0.05, "the initial point misses the targets: " + first);
        assertTrue(last < 0.5 * first, optimizer + ": " + first + " -> " + last);
        assertTrue(r.last().holdout().orElseThrow().total() < r.iterations().get(0).holdout().orElseThrow().total());
        assertEquals(9, r.end().nextIteration());
    }

    @Test
    void gaussNewtonReachesTheTargetsAndStepsAreReportedInParameterUnits() throws IOException {
        Run r = train(config(x -> {
            x.optimizer = "gauss_newton";
            x.estimator = "forward";
            x.maxStep = 0.5;
        }));
        Iteration last = r.last();
        assertTrue(last.train().total() < 1e-6, "linear rig: Gauss-Newton lands on the targets, loss " + last.train().total());
        assertEquals(4000, last.parameters().get(0).value(), 1);
        assertEquals(1.5, last.parameters().get(1).value(), 1e-3);
        Iteration first = r.iterations().get(0);
        double stepOhm = first.parameters().get(0).step();
        assertEquals(r.iterations().get(1).parameters().get(0).value() - first.parameters().get(0).value(), stepOhm, 1e-6);
    }

    @Test
    void adamResumedFromACheckpointContinuesExactlyAsAnUninterruptedRun() throws IOException {
        TrainingConfig c = config(x -> x.optimizer = "adam");
        Run whole = train(c);
        Run part = train(new RecordingRig(), c, DriftGuard.NONE, null, List.of(), 3);
        assertEquals(3, part.iterations().size());
        assertEquals(3, part.end().nextIteration());
        assertTrue(part.end().optimizerState() != null, "Adam moments are in the checkpoint");
        List<LossTerms> history = part.iterations().stream().map(Iteration::train).toList();
        Run rest = train(new RecordingRig(), c, DriftGuard.NONE, part.end(), history, Integer.MAX_VALUE);
        assertSameIterations(whole.iterations().subList(3, 9), rest.iterations());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nelder_mead", "bobyqa", "cmaes"})
    void derivativeFreeOptimizersEmitOneIterationPerEvaluationAndResumeByReplay(String optimizer) throws IOException {
        TrainingConfig c = config(x -> {
            x.optimizer = optimizer;
            x.iterations = 20;
            x.evalEvery = 5;
            x.dfoStep = 0.2;
        });
        RecordingRig rig = new RecordingRig();
        Run whole = train(rig, c, DriftGuard.NONE, null, List.of(), Integer.MAX_VALUE);
        Iteration last = whole.last();
        assertTrue(last.last());
        assertTrue(last.next().stopReason().orElseThrow().contains(optimizer), last.next().stopReason().toString());
        assertTrue(last.holdout().isPresent(), "the final row measures the holdout at the best point");
        double best = whole.iterations().subList(0, whole.iterations().size() - 1).stream().mapToDouble(i -> i.train().total()).min().orElseThrow();
        assertEquals(best, last.train().total(), 1e-12, "the final row is the best evaluated point");
        assertTrue(best < whole.iterations().get(0).train().total());
        for (Iteration it : whole.iterations()) {
            assertEquals(it.index() % 5 == 0 || it.last(), it.holdout().isPresent(), "holdout every 5 evaluations and at the end");
            assertEquals(0, it.parameters().get(0).gradient());
        }
        Run part = train(new RecordingRig(), c, DriftGuard.NONE, null, List.of(), 7);
        Run rest = train(new RecordingRig(), c, DriftGuard.NONE, part.end(),
                part.iterations().stream().map(Iteration::train).toList(), Integer.MAX_VALUE);
        assertSameIterations(whole.iterations().subList(7, whole.iterations().size()), rest.iterations());
    }

    @Test
    void aFailingDerivativeFreeOptimizerFailsTheRunInsteadOfHangingIt() {
        TrainingConfigBuilder b = new TrainingConfigBuilder();
        b.trainable = List.of("r_fb");
        b.optimizer = "bobyqa";
        b.targetMode = "measured_anchor_shift";
        b.iterations = 10;
        TrainingConfig c = b.build("test config");
        org.tileloop.rig.RigConfigurationException refused = assertThrows(org.tileloop.rig.RigConfigurationException.class,
                () -> c.checkAgainst(RecordingRig.DESCRIPTION, "test config"));
        assertEquals("test config: optimizer: bobyqa needs at least 2 trainable parameters (this config trains 1); use nelder_mead"
                + " or cmaes", refused.getMessage());
        org.tileloop.rig.RigConfigurationException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(20), () -> assertThrows(org.tileloop.rig.RigConfigurationException.class, () -> train(c)));
        assertTrue(e.getMessage().startsWith("bobyqa failed: "), e.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("tileloop-bobyqa") && t.isAlive()));
    }

    @Test
    void patienceStopsEarlyWithAReasonAndNoFurtherMove() throws IOException {
        Run r = train(config(x -> {
            x.patience = 2;
            x.minImprovement = 1e6;
        }));
        assertEquals(3, r.iterations().size(), "iteration 0 sets the best; 1 and 2 do not improve by 1e6");
        Iteration last = r.last();
        assertTrue(last.last());
        assertTrue(last.next().stopReason().orElseThrow().startsWith("early stop after iteration 2"), last.next().stopReason().toString());
        assertArrayEquals(r.iterations().get(2).next().unit(), TrainingTask.of(config(x -> { }), RecordingRig.DESCRIPTION).space()
                .toUnit(new org.tileloop.rig.ParameterVector(Map.of("r_fb", last.parameters().get(0).value(), "iin_amp",
                        last.parameters().get(1).value()))), 1e-12);
        assertEquals(0, last.parameters().get(0).step());
    }

    @Test
    void driftBeyondTheThresholdPausesAfterTheSavedIterations() throws IOException {
        TrainingConfig c = config(x -> {
            x.driftCheckEvery = 2;
            x.driftThresholdPs = 25;
        });
        RecordingRig rig = new RecordingRig();
        rig.driftNs = 0.040;
        List<Iteration> out = new ArrayList<>();
        TrainingTask task = TrainingTask.of(c, rig.description());
        Trainer t = new Trainer(rig, task, new DriftGuard(rig, c, DriftGuard.NONE), CLOCK);
        DriftException e = assertThrows(DriftException.class, () -> t.run(Checkpoint.start(task.space().toUnit(task.initial()), 0, 0),
                List.of(), out::add, () -> false));
        assertTrue(e.getMessage().startsWith("timing drift of 40.0 ps at iteration 2 exceeds drift_threshold_ps (25)"), e.getMessage());
        assertEquals(2, out.size(), "iterations 0 and 1 were handed on before the pause");
        assertEquals(1, rig.references);
    }

    @Test
    void driftWithRecalibrateUsesTheNewCalibrationAndReportsTheDriftLeft() throws IOException {
        TrainingConfig c = config(x -> {
            x.driftCheckEvery = 2;
            x.driftAction = "recalibrate";
            x.iterations = 3;
        });
        RecordingRig rig = new RecordingRig();
        rig.driftNs = 0.040;
        Calibration shifted = new Calibration() {
            public String id() {
                return "fake/shifted";
            }

            public Timing apply(String channel, double rawNs) {
                return new Timing(rawNs, rawNs - 0.040, id());
            }
        };
        List<Integer> asked = new ArrayList<>();
        Run r = train(rig, c, (k, driftPs) -> {
            asked.add(k);
            assertEquals(40, driftPs, 1e-9);
            return shifted;
        }, null, List.of(), Integer.MAX_VALUE);
        assertEquals(List.of(2), asked);
        assertEquals(0, r.iterations().get(2).driftPs().getAsDouble(), 1e-9);
        assertTrue(r.iterations().get(1).driftPs().isEmpty());
        assertEquals("identity", r.iterations().get(1).calibrationId());
        assertEquals("fake/shifted", r.iterations().get(2).calibrationId());
    }

    static void assertSameIterations(List<Iteration> expected, List<Iteration> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Iteration e = expected.get(i);
            Iteration a = actual.get(i);
            assertEquals(e.index(), a.index());
            assertEquals(e.train(), a.train(), "iteration " + e.index());
            assertEquals(e.holdout(), a.holdout(), "iteration " + e.index());
            assertEquals(e.parameters(), a.parameters(), "iteration " + e.index());
            assertArrayEquals(e.next().unit(), a.next().unit(), 0, "iteration " + e.index());
            assertEquals(e.next().stopReason(), a.next().stopReason());
        }
    }
}
