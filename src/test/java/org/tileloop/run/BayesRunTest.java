package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.calibration.CalibrationStore;

/** optimizer: bayes on the simulated tile, then a second run warm-started from the first. */
class BayesRunTest {

    @TempDir
    Path dir;

    @Test
    void bayesLowersTheLossOnTheSimulatedTileAndAWarmStartBeginsFromTheEarlierRunsBest() throws Exception {
        Path config = dir.resolve("training").resolve("bayes.yaml");
        Files.createDirectories(config.getParent());
        String base = Files.readString(Path.of("rigs/training/sim-tile4.yaml")).replaceAll("(?m)^(optimizer|estimator|max_step|iterations|eval_every):.*$", "")
                + "\noptimizer: bayes\niterations: 4\neval_every: 10\n";
        Files.writeString(config, base);
        TrainingRun.Result first = run(config);
        assertEquals(RunStatus.COMPLETED, first.stop().status());
        List<LossHistory.Row> rows = LossHistory.read(first.runDir()).rows();
        double start = rows.get(0).trainNs2();
        double end = rows.get(rows.size() - 1).trainNs2();
        assertTrue(end < start / 3, "4 rounds of 3 points after a 7-point design: " + start + " -> " + end);
        Files.writeString(config, base + "warm_start: " + first.runDir() + "\n");
        TrainingRun.Result warm = run(config);
        List<LossHistory.Row> warmRows = LossHistory.read(warm.runDir()).rows();
        assertTrue(warmRows.get(warmRows.size() - 1).trainNs2() <= end * 1.5,
                "the warm start keeps what the first run found: " + end + " -> " + warmRows.get(warmRows.size() - 1).trainNs2());
    }

    private TrainingRun.Result run(Path config) throws Exception {
        return TrainingRun.create(Path.of("rigs/sim-tile4.yaml"), config, null, 1L, dir.resolve("runs"), new CalibrationStore(dir.resolve("cal")),
                false, "test", new TrainingRun.Build("test", Optional.empty())).execute(List.of(), Optional::empty, new PrintWriter(new StringWriter()));
    }
}
