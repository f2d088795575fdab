package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code final_repeats} on the recording fake: the last row re-measures the run's final point, whichever way the run ends. */
class FinalRepeatsTest {

    static final int REPEATS = 3;

    static Consumer<TrainingConfigBuilder> ending(String how) {
        return x -> {
            x.finalRepeats = REPEATS;
            switch (how) {
                case "last_iteration" -> x.optimizer = "gauss_newton";
                case "early_stop" -> {
                    x.patience = 2;
                    x.minImprovement = 1e6;
                }
                case "derivative_free" -> {
                    x.optimizer = "nelder_mead";
                    x.iterations = 12;
                }
                default -> throw new IllegalArgumentException(how);
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"last_iteration", "early_stop", "derivative_free"})
    void theLastRowMeasuresTheFinalPointAgainAndCountsIt(String how) throws IOException {
        RecordingRig rig = new RecordingRig();
        TrainerTest.Run r = TrainerTest.train(rig, TrainerTest.config(ending(how)), DriftGuard.NONE, null, List.of(), Integer.MAX_VALUE);
        Iteration last = r.last();
        assertTrue(last.last());
        for (Iteration it : r.iterations()) {
            assertEquals(it == last, it.finalRepeats().isPresent(), "only the last row carries the repeats (iteration " + it.index() + ")");
        }
        FinalRepeats f = last.finalRepeats().orElseThrow();
        // 2 train and 1 holdout trace, 3 times, as one extra batch
        assertEquals(REPEATS, f.repeats());
        assertEquals(9, f.measurements());
        assertEquals(9, rig.batches.get(rig.batches.size() - 1).size());
        assertEquals(rig.probes(), last.measurements(), "the run's count includes the repeats");
        assertEquals(last.measurements() - 9, r.iterations().get(r.iterations().size() - 2).measurements() + rig.batches.get(rig.batches.size() - 2).size());
        // the fake is exact: every repeat gives the final point's loss and spikes, with no spread
        double[] at = {last.parameters().get(0).value(), last.parameters().get(1).value()};
        assertFinalPoint(at, r.end());
        assertEquals(REPEATS, f.trainLossNs2().count());
        assertEquals(last.train().total(), f.trainLossNs2().mean(), 1e-12);
        assertEquals(0, f.trainLossNs2().sd(), 1e-12);
        assertEquals(REPEATS, f.holdoutLossNs2().count());
        assertEquals(6, f.firstSpikes().size(), "3 traces × 2 channels");
        FinalRepeats.ChannelSpread n1at6 = f.firstSpikes().get(3);
        assertEquals("train", n1at6.split());
        assertEquals(6.0, n1at6.delayNs());
        assertEquals("n1", n1at6.channel());
        assertEquals(REPEATS, n1at6.firstSpikeNs().count());
        assertEquals(RecordingRig.firstSpikesNs(6, at[0], at[1])[1], n1at6.firstSpikeNs().mean(), 1e-9);
        assertEquals(RecordingRig.firstSpikesNs(6, 4000, 1.5)[1], n1at6.targetNs(), 1e-12);
        assertEquals("holdout", f.firstSpikes().get(4).split());
    }

    private static void assertFinalPoint(double[] valuesAt, Checkpoint end) {
        var space = TrainingTask.of(TrainerTest.config(x -> { }), RecordingRig.DESCRIPTION).space();
        var v = space.fromUnit(end.unit());
        assertEquals(valuesAt[0], v.get("r_fb"), 1e-9);
        assertEquals(valuesAt[1], v.get("iin_amp"), 1e-12);
    }
}
