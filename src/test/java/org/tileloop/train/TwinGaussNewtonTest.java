package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.RigConfigurationException;

/**
 * Twin-assisted Gauss–Newton on fakes with a known optimum: the "rig" is a mismatched instance of
 * the recording fake (parameters act 1.25 times as strongly, every spike 30 ps later), the twin
 * the nominal fake; the targets are the rig's response at r_fb 4000, iin_amp 1.5.
 */
class TwinGaussNewtonTest {

    private static final double SENSITIVITY = 1.25;
    private static final double OFFSET_NS = 0.03;

    static TrainingConfig config(Consumer<TrainingConfigBuilder> change) {
        return TrainerTest.config(SENSITIVITY, OFFSET_NS, c -> {
            c.iterations = 6;
            c.optimizer = "twin_gauss_newton";
            c.estimator = "forward";
            c.twin = "twin.yaml";
            c.twinRefresh = 0;
            c.maxStep = 0.5;
            change.accept(c);
        });
    }

    record Run(List<Iteration> iterations, Checkpoint end) {
        Iteration last() {
            return iterations.get(iterations.size() - 1);
        }
    }

    static Run train(RecordingRig rig, RecordingRig twin, TrainingConfig c, Checkpoint from, int stopAfter) throws IOException {
        TrainingTask task = TrainingTask.of(c, rig.description());
        List<Iteration> out = new ArrayList<>();
        Trainer t = new Trainer(rig, Optional.of(twin), task, new DriftGuard(rig, c, DriftGuard.NONE), TrainerTest.CLOCK);
        Checkpoint start = from != null ? from : Checkpoint.start(task.space().toUnit(task.initial()), 0, 0);
        return new Run(out, t.run(start, List.of(), out::add, () -> out.size() >= stopAfter));
    }

    @Test
    void theRigMeasuresOnlyTheCurrentPointAndTheStepsStillReachItsOptimum() throws IOException {
        RecordingRig rig = new RecordingRig(SENSITIVITY, OFFSET_NS);
        RecordingRig twin = new RecordingRig();
        Run r = train(rig, twin, config(x -> { }), null, Integer.MAX_VALUE);
        assertEquals(7, r.iterations().size());
        for (int k = 0; k <= 6; k++) {
            assertEquals(3, rig.batches.get(k).size(), "iteration " + k + ": 2 train traces + 1 holdout, no difference points on the rig");
            Iteration it = r.iterations().get(k);
            TwinComparison tc = it.twin().orElseThrow();
            if (k < 6) {
                assertEquals(TwinComparison.JacobianSource.TWIN, tc.jacobian().orElseThrow());
                assertEquals(6, tc.stimuli(), "the twin: 3 forward-difference points x 2 train traces");
                assertTrue(tc.gradientCosine().isEmpty(), "no rig gradient to compare with");
            }
        }
        assertEquals(7 * 3, r.end().measurements(), "the end's measurements count the rig only");
        double first = r.iterations().get(0).train().total();
        double last = r.last().train().total();
        assertEquals(0.25, first, 1e-9, "both channels 0.5 ns early at the start");
        assertTrue(last < 1e-8, "a Jacobian 1/1.25 of the rig's overshoots by 25 %, each step cuts the error 4-fold: " + last);
        assertEquals(4000, r.last().parameters().get(0).value(), 1);
        assertEquals(1.5, r.last().parameters().get(1).value(), 1e-3);
        TwinComparison end = r.last().twin().orElseThrow();
        double expectedGap = OFFSET_NS + (SENSITIVITY - 1) * (0.0005 * 1000 - 0.1);
        assertEquals(expectedGap, end.channels().get(0).gapNs().getAsDouble(), 1e-3, "n0: rig − twin at r_fb 4000, iin_amp 1.5");
        assertEquals(OFFSET_NS + (SENSITIVITY - 1) * (0.0002 * 1000 + 0.2), end.channels().get(1).gapNs().getAsDouble(), 1e-3);
        assertEquals(5 + 1 + 0.5 - 0.1, end.channels().get(0).twinNs().getAsDouble(), 1e-3, "the nominal n0 at the optimum, mean over delays 4 and 6 ns");
    }

    @Test
    void everyTwinRefreshIterationsTheRigJacobianIsMeasuredAndComparedWithTheTwins() throws IOException {
        RecordingRig rig = new RecordingRig(SENSITIVITY, OFFSET_NS);
        Run r = train(rig, new RecordingRig(), config(x -> x.twinRefresh = 2), null, Integer.MAX_VALUE);
        for (int k = 0; k < 6; k++) {
            TwinComparison tc = r.iterations().get(k).twin().orElseThrow();
            boolean refresh = k > 0 && k % 2 == 0;
            assertEquals(refresh ? TwinComparison.JacobianSource.RIG : TwinComparison.JacobianSource.TWIN, tc.jacobian().orElseThrow(), "iteration " + k);
            assertEquals(refresh ? 3 * 2 + 1 : 3, rig.batches.get(k).size(), "iteration " + k);
            if (refresh) {
                assertEquals(1.0, tc.jacobianCosine().getAsDouble(), 1e-6, "the rig's Jacobian is 1.25 x the twin's: same direction");
            } else {
                assertTrue(tc.jacobianCosine().isEmpty());
            }
        }
    }

    @Test
    void aStepThatFallsShortOfItsPredictionMakesTheNextIterationMeasureTheRigJacobian() throws IOException {
        RecordingRig rig = new RecordingRig(SENSITIVITY, OFFSET_NS);
        Run r = train(rig, new RecordingRig(-1, 0), config(x -> { }), null, Integer.MAX_VALUE);
        Iteration first = r.iterations().get(0);
        Iteration second = r.iterations().get(1);
        assertTrue(second.train().total() > first.train().total(), "the twin's slopes point the wrong way: the first step makes it worse");
        assertEquals(0, second.parameters().get(0).step(), "the iteration that finds the shortfall does not step");
        Iteration third = r.iterations().get(2);
        assertEquals(TwinComparison.JacobianSource.RIG, third.twin().orElseThrow().jacobian().orElseThrow());
        assertEquals(-1.0, third.twin().orElseThrow().jacobianCosine().getAsDouble(), 1e-6);
        assertTrue(r.last().train().total() < 1e-6, "the rig's Jacobian lands on the optimum, where the twin's residual-free step is zero: " + r.last().train().total());
    }

    @Test
    void aRunResumedFromItsCheckpointContinuesExactlyAsAnUninterruptedOne() throws IOException {
        TrainingConfig c = config(x -> x.twinRefresh = 3);
        Run whole = train(new RecordingRig(SENSITIVITY, OFFSET_NS), new RecordingRig(-1, 0), c, null, Integer.MAX_VALUE);
        Run part = train(new RecordingRig(SENSITIVITY, OFFSET_NS), new RecordingRig(-1, 0), c, null, 2);
        assertEquals(3, part.end().optimizerState().length, "last measured, predicted and refresh-due are saved");
        Run rest = train(new RecordingRig(SENSITIVITY, OFFSET_NS), new RecordingRig(-1, 0), c, part.end(), Integer.MAX_VALUE);
        TrainerTest.assertSameIterations(whole.iterations().subList(2, 7), rest.iterations());
        for (int i = 0; i < rest.iterations().size(); i++) {
            assertEquals(whole.iterations().get(i + 2).twin(), rest.iterations().get(i).twin(), "iteration " + (i + 2));
        }
    }

    @Test
    void twinGaussNewtonWithoutATwinIsRefused() {
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> config(x -> x.twin = null));
        assertEquals("test config: twin: optimizer twin_gauss_newton needs a twin, a simulated rig file (relative to the training config),"
                + " e.g. twin: ../sim-tile4.yaml", e.getMessage());
        TrainingConfig c = config(x -> { });
        RecordingRig rig = new RecordingRig();
        RigConfigurationException none = assertThrows(RigConfigurationException.class, () -> new Trainer(rig, Optional.empty(),
                TrainingTask.of(c, rig.description()), new DriftGuard(rig, c, DriftGuard.NONE), TrainerTest.CLOCK));
        assertTrue(none.getMessage().contains("no twin rig was opened"), none.getMessage());
    }

    @Test
    void aGradientMethodWithATwinComparesTheTwoGradients() throws IOException {
        TrainingConfig c = config(x -> {
            x.optimizer = "gauss_newton";
            x.twinRefresh = 5;
        });
        Run r = train(new RecordingRig(SENSITIVITY, OFFSET_NS), new RecordingRig(), c, null, Integer.MAX_VALUE);
        TwinComparison tc = r.iterations().get(0).twin().orElseThrow();
        assertTrue(tc.jacobian().isEmpty(), "plain Gauss-Newton takes no Jacobian from the twin");
        assertTrue(tc.gradientCosine().getAsDouble() > 0.99, "loss gradients of proportional responses point the same way: " + tc.gradientCosine());
        assertFalse(r.last().twin().orElseThrow().gradientCosine().isPresent(), "the final row measures no gradient");
    }
}
