package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.CsvCheck;
import org.tileloop.calibration.CalibrationStore;

/** The shipped temporal-order task trains the winner-take-all tile from wrong wiring to 100 % holdout accuracy. */
class WtaOrderRunTest {

    @TempDir
    Path dir;

    @Test
    void temporalOrderReachesFullHoldoutAccuracyFromTheWrongWiring() throws Exception {
        TrainingRun run = TrainingRun.create(Path.of("rigs/sim-tile-wta.yaml"), Path.of("rigs/training/sim-tile-wta-order.yaml"), 3, 1L,
                dir, new CalibrationStore(dir.resolve("cal")), true, "test", new TrainingRun.Build("test", Optional.empty()));
        TrainingRun.Result r = run.execute(List.of(), Optional::empty, new PrintWriter(new StringWriter()));
        assertEquals(RunStatus.COMPLETED, r.stop().status());
        List<String[]> rows = CsvCheck.rectangular(r.runDir().resolve("iterations.csv"));
        List<String> header = Arrays.asList(rows.get(0));
        String[] start = rows.get(1);
        String[] last = rows.get(rows.size() - 1);
        assertEquals(5, rows.size(), "header and iterations 0..3");
        assertEquals(0.0, value(header, start, "accuracy_holdout"), "in0 drives n1 and in1 drives n0 at the start");
        assertEquals(1.0, value(header, last, "accuracy_train"));
        assertEquals(1.0, value(header, last, "accuracy_holdout"));
        assertTrue(value(header, last, "loss_holdout_ns2") < 0.5 * value(header, start, "loss_holdout_ns2"),
                "holdout loss " + value(header, start, "loss_holdout_ns2") + " -> " + value(header, last, "loss_holdout_ns2"));
        assertTrue(value(header, last, "param_w00") > value(header, last, "param_w01")
                && value(header, last, "param_w11") > value(header, last, "param_w10"), "each input now drives its own output hardest");
    }

    private static double value(List<String> header, String[] row, String column) {
        return Double.parseDouble(row[header.indexOf(column)]);
    }
}
