package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.file.RigFileLoader;

/** Classification configs: the shipped ones for the winner-take-all tile, and what cannot train them. */
class ClassificationConfigTest {

    @TempDir
    Path dir;

    @Test
    void theShippedWinnerTakeAllTasksFitTheirRigAndLabelEveryPattern() {
        RigDescription rig = RigFileLoader.load(Path.of("rigs/sim-tile-wta.yaml")).description();
        for (String task : List.of("order", "xor", "yinyang")) {
            Path f = Path.of("rigs/training/sim-tile-wta-" + task + ".yaml");
            TrainingConfig c = TrainingConfig.load(f);
            c.checkAgainst(rig, f.toString());
            List<TrainingConfig.Pattern> patterns = c.task().patterns();
            assertTrue(patterns.stream().allMatch(p -> p.classLabel().isPresent()), f + ": every pattern has a class");
            assertTrue(patterns.stream().anyMatch(p -> p.split() == TrainingConfig.Split.HOLDOUT), f + ": a holdout split");
            long classes = patterns.stream().map(p -> p.classLabel().orElseThrow()).distinct().count();
            assertEquals(task.equals("yinyang") ? 3 : 2, classes, f.toString());
        }
    }

    @Test
    void theTilesDefaultConfigIsTheTemporalOrderTask() {
        assertEquals(TrainingConfig.load(Path.of("rigs/training/sim-tile-wta-order.yaml")).asMap(),
                TrainingConfig.load(Path.of("rigs/training/sim-tile-wta.yaml")).asMap());
    }

    @Test
    void gaussNewtonWithoutTimingTargetsIsRefusedInsteadOfStandingStill() throws Exception {
        Files.writeString(dir.resolve("c.yaml"), """
                patterns:
                  - {name: a, split: train, inputs_ns: {in0: 4.0}, class: n0}
                class_weight: 1
                timing_weight: 0
                estimator: forward
                optimizer: gauss_newton
                """);
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> TrainingConfig.load(dir.resolve("c.yaml")));
        assertTrue(e.getMessage().endsWith("c.yaml: optimizer: gauss_newton steps on timing residuals (first spike − target), and this config"
                + " has no timing targets (a classification task?); use normalized, adam or a derivative-free optimizer"), e.getMessage());
        Files.writeString(dir.resolve("c.yaml"), Files.readString(dir.resolve("c.yaml"))
                .replace("class: n0}", "class: n0, targets_ns: [5.0, 5.5, 6.0, 6.5]}"));
        assertEquals(TrainingConfig.Optimizer.GAUSS_NEWTON, TrainingConfig.load(dir.resolve("c.yaml")).optimization().optimizer());
    }
}
