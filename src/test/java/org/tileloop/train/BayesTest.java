package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;

/** Bayesian optimisation on the recording fake, whose optimum (r_fb 4000 Ω, iin_amp 1.5 V, loss 0) is known. */
class BayesTest {

    @TempDir
    Path dir;

    @Test
    void roundsOfBatchesFindTheKnownOptimum() throws IOException {
        TrainingConfig c = TrainerTest.config(x -> {
            x.optimizer = "bayes";
            x.iterations = 12;
            x.evalEvery = 100;
        });
        RecordingRig rig = new RecordingRig();
        TrainerTest.Run r = TrainerTest.train(rig, c, DriftGuard.NONE, null, List.of(), Integer.MAX_VALUE);
        assertEquals(5 * 2 + 1, rig.batches.get(0).size(), "round 0: 2d + 1 = 5 points of 2 train traces, plus the holdout trace");
        for (int k = 1; k < r.iterations().size() - 1; k++) {
            assertEquals(3 * 2, rig.batches.get(k).size(), "round " + k + ": bayes_batch 3 points x 2 train traces, one batch");
        }
        double first = r.iterations().get(0).train().total();
        double last = r.last().train().total();
        assertTrue(first > 0.05, "the start misses the targets: " + first);
        assertTrue(last < first / 100, "the recommendation is two decades better: " + first + " -> " + last);
        assertEquals(4000, r.last().parameters().get(0).value(), 250);
        assertEquals(1.5, r.last().parameters().get(1).value(), 0.05);
        assertEquals(r.end().measurements(), rig.probes());
    }

    @Test
    void aResumedRunContinuesExactlyAsAnUninterruptedOne() throws IOException {
        TrainingConfig c = TrainerTest.config(x -> {
            x.optimizer = "bayes";
            x.iterations = 6;
        });
        TrainerTest.Run whole = TrainerTest.train(c);
        TrainerTest.Run part = TrainerTest.train(new RecordingRig(), c, DriftGuard.NONE, null, List.of(), 3);
        List<LossTerms> history = part.iterations().stream().map(Iteration::train).toList();
        TrainerTest.Run rest = TrainerTest.train(new RecordingRig(), c, DriftGuard.NONE, part.end(), history, Integer.MAX_VALUE);
        TrainerTest.assertSameIterations(whole.iterations().subList(3, whole.iterations().size()), rest.iterations());
    }

    @Test
    void badBayesKeysAreRefusedNamingTheKey() throws IOException {
        Path cfg = dir.resolve("b.yaml");
        Files.writeString(cfg, "optimizer: bayes\nbayes_batch: 0\n");
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> TrainingConfigBuilder.load(cfg));
        assertTrue(e.getMessage().contains("bayes_batch"), e.getMessage());
        Files.writeString(cfg, "optimizer: bayes\nwarm_start: no-such-run\n");
        RigConfigurationException w = assertThrows(RigConfigurationException.class, () -> TrainingConfigBuilder.load(cfg));
        assertTrue(w.getMessage().contains("warm_start") && w.getMessage().contains("no-such-run"), w.getMessage());
    }
}
