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
    void modellingTheResidualsPinsALinearTaskDownWhereTheLossModelIsStillSearching() throws IOException {
        TrainingConfig residual = TrainerTest.config(x -> {
            x.optimizer = "bayes";
            x.iterations = 3;
            x.evalEvery = 100;
        });
        TrainingConfig loss = TrainerTest.config(x -> {
            x.optimizer = "bayes";
            x.iterations = 3;
            x.evalEvery = 100;
            x.expectedCounts = List.of(1, 1);
            x.countWeight = 1;
        });
        TrainingConfig ordered = TrainerTest.config(x -> {
            x.optimizer = "bayes";
            x.orderPairs = List.of(List.of("n0", "n1"));
        });
        assertEquals(BayesStepper.Model.RESIDUALS, BayesStepper.model(residual, TrainingTask.of(residual, RecordingRig.DESCRIPTION)));
        assertEquals(BayesStepper.Model.LOSS, BayesStepper.model(loss, TrainingTask.of(loss, RecordingRig.DESCRIPTION)),
                "a count term the residuals do not carry");
        assertEquals(BayesStepper.Model.RESIDUALS, BayesStepper.model(ordered, TrainingTask.of(ordered, RecordingRig.DESCRIPTION)),
                "an order term on targeted channels they do");
        TrainerTest.Run r = TrainerTest.train(residual);
        TrainerTest.Run l = TrainerTest.train(loss);
        assertEquals(0, l.last().train().count(), 0, "one spike per channel everywhere: the same loss for both models");
        double first = r.iterations().get(0).train().total();
        assertTrue(r.last().train().total() < first * 1e-4, "the residual model: " + first + " -> " + r.last().train().total());
        assertTrue(l.last().train().total() > 10 * r.last().train().total(),
                "the loss model after the same 2 rounds: " + l.last().train().total() + " against " + r.last().train().total());
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
