package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.SvgCheck;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.plot.Palette;
import org.tileloop.train.RecordingRig;
import org.tileloop.train.TrainingConfig;
import org.tileloop.train.TrainingConfigBuilder;

/** The charts a run writes, read back as SVG: what they show and for which runs. */
class RunPlotsTest {

    @TempDir
    Path dir;

    static double column(List<String> rows, int row, String name) {
        int c = List.of(rows.get(0).split(",", -1)).indexOf(name);
        return Double.parseDouble(rows.get(row).split(",", -1)[c]);
    }

    @Test
    void aSimulatedRunGetsLogScaleLossAndParameterPanelsWithBoundsButNoAccuracy() throws Exception {
        TrainingRun run = TrainingRun.create(Path.of("rigs/sim-tile4.yaml"), null, 2, 1L, dir, new CalibrationStore(dir.resolve("cal")),
                false, "test", new TrainingRun.Build("test", Optional.empty()));
        assertEquals(RunStatus.COMPLETED, run.execute(List.of(), StopRequest.NONE, new PrintWriter(new StringWriter())).stop().status());
        Path runDir = run.runDir();
        String runId = runDir.getFileName().toString();
        List<String> rows = Files.readAllLines(runDir.resolve("iterations.csv"));
        double[] train = {column(rows, 1, "loss_train_ns2"), column(rows, 2, "loss_train_ns2"), column(rows, 3, "loss_train_ns2")};
        assertTrue(train[0] > 0.05 && train[2] < 1e-4, "the loss falls over 3 decades: " + java.util.Arrays.toString(train));

        SvgCheck loss = SvgCheck.read(runDir.resolve("loss.svg"));
        List<String> texts = loss.strings();
        assertEquals(runId + " · forward+gauss_newton", texts.get(0));
        assertTrue(texts.contains("loss (ns²)") && texts.contains("train timing") && texts.contains("holdout loss"), texts.toString());
        assertFalse(texts.contains("train order") || texts.contains("train energy"), "terms zero throughout stay out of the legend");
        List<Integer> decades = loss.decades();
        double smallest = train[2];
        for (int row = 1; row <= 3; row++) {
            smallest = Math.min(smallest, column(rows, row, "loss_holdout_ns2"));
        }
        int lowest = (int) Math.floor(Math.log10(smallest));
        assertEquals(List.of(lowest, lowest + 1, lowest + 2, lowest + 3, lowest + 4), decades.subList(0, 5), decades.toString());
        assertEquals(-1, decades.get(-lowest - 1), "up to 10^-1 (the loss starts at " + train[0] + ")");
        List<SvgCheck.Segment> line = loss.lines(Palette.TRAIN);
        assertEquals(2, line.size());
        double ratio = (line.get(0).y2() - line.get(0).y1()) / (line.get(1).y2() - line.get(1).y1());
        assertEquals(Math.log10(train[0] / train[1]) / Math.log10(train[1] / train[2]), ratio, 1e-3, "drawn to a log scale");

        SvgCheck params = SvgCheck.read(runDir.resolve("parameters.svg"));
        assertEquals(runId + " · forward+gauss_newton", params.strings().get(0));
        for (String t : List.of("r_fb (Ω)", "rleak (Ω)", "iin_amp (V)", "min 2000", "max 6000", "min 25000", "max 80000", "min 1.2", "max 1.8")) {
            assertTrue(params.strings().contains(t), t + " in " + params.strings());
        }
        List<SvgCheck.Segment> bounds = params.lines(Palette.REFERENCE);
        assertEquals(6, bounds.size(), "min and max of three parameters");
        for (int p = 0; p < 3; p++) {
            List<SvgCheck.Segment> values = params.lines(Palette.series(p));
            assertEquals(2, values.size(), "parameter " + p + ": iterations 0-1-2");
            String name = List.of("r_fb", "rleak", "iin_amp").get(p);
            double min = List.of(2000.0, 25000.0, 1.2).get(p);
            double max = List.of(6000.0, 80000.0, 1.8).get(p);
            double yMin = bounds.get(2 * p).y1();
            double yMax = bounds.get(2 * p + 1).y1();
            double expected = yMin + (yMax - yMin) * (column(rows, 3, "param_" + name) - min) / (max - min);
            assertEquals(expected, values.get(1).y2(), 0.01, name + " at iteration 2 between its bounds");
        }
        assertFalse(Files.exists(runDir.resolve("accuracy.svg")), "no labelled patterns, no accuracy");
        assertTrue(Files.readString(runDir.resolve("summary.md")).contains("Completed iterations 0-2"));
    }

    @Test
    void aClassificationRunAlsoGetsAccuracyFromZeroToOne() throws Exception {
        Path cfg = dir.resolve("classes.yaml");
        Files.writeString(cfg, """
                trainable: [r_fb, iin_amp]
                patterns:
                  - {name: a, split: train, inputs_ns: {in0: 4.0}, class: n0}
                  - {name: b, split: train, inputs_ns: {in0: 5.0}, class: n1}
                  - {name: b2, split: train, inputs_ns: {in0: 6.0}, class: n1}
                  - {name: c, split: holdout, inputs_ns: {in0: 4.5}, class: n0}
                  - {name: d, split: holdout, inputs_ns: {in0: 5.5}, class: n1}
                class_loss: softmax
                class_weight: 1
                timing_weight: 0
                estimator: spsa
                optimizer: adam
                iterations: 5
                """);
        TrainingConfig config = TrainingConfig.load(cfg);
        Path runDir = dir.resolve("run");
        RunRecord.Outcome o = RunRecord.train(new RecordingRig(), config, runDir, List.of());
        RunReport.write(runDir, "test-run", config, RecordingRig.DESCRIPTION, o, RunStatus.COMPLETED);

        SvgCheck accuracy = SvgCheck.read(runDir.resolve("accuracy.svg"));
        List<String> texts = accuracy.strings();
        assertEquals("test-run · spsa+adam", texts.get(0));
        for (String t : List.of("accuracy (fraction right)", "train accuracy", "holdout accuracy", "0", "0.25", "0.5", "0.75", "1")) {
            assertTrue(texts.contains(t), t + " in " + texts);
        }
        List<String> rows = Files.readAllLines(runDir.resolve("iterations.csv"));
        List<SvgCheck.Segment> train = accuracy.lines(Palette.TRAIN);
        assertEquals(5, train.size(), "iterations 0-5");
        assertEquals(1 / 3.0, column(rows, 1, "accuracy_train"), 1e-4, "n0 fires first at the start: one pattern of three right");
        assertEquals(2 / 3.0, column(rows, 6, "accuracy_train"), 1e-4, "training makes n1 fire first: two of three right");
        for (int k = 0; k < 5; k++) {
            double change = column(rows, k + 2, "accuracy_train") - column(rows, k + 1, "accuracy_train");
            assertEquals((int) Math.signum(change), (int) -Math.signum(train.get(k).y2() - train.get(k).y1()), "segment " + k + " follows the CSV");
        }
        assertEquals(5, accuracy.lines(Palette.HOLDOUT).size());
        assertTrue(SvgCheck.read(runDir.resolve("loss.svg")).strings().contains("train class"));
        assertTrue(SvgCheck.read(runDir.resolve("parameters.svg")).strings().containsAll(List.of("r_fb (Ω)", "iin_amp (V)")));
    }

    @Test
    void aTimingRunOnTheSameRigGetsNoAccuracy() throws Exception {
        TrainingConfigBuilder b = new TrainingConfigBuilder();
        b.targetMode = "measured_anchor_shift";
        b.anchorShiftNs = List.of(0.3);
        b.iterations = 2;
        TrainingConfig config = b.build("test config");
        RunRecord.Outcome o = RunRecord.train(new RecordingRig(), config, dir, List.of());
        RunReport.write(dir, "test-run", config, RecordingRig.DESCRIPTION, o, RunStatus.COMPLETED);
        assertTrue(Files.exists(dir.resolve("loss.svg")) && Files.exists(dir.resolve("parameters.svg")));
        assertFalse(Files.exists(dir.resolve("accuracy.svg")));
    }

    @Test
    void theMethodNamesTheEstimatorAndOptimizerOrTheDerivativeFreeOptimizerAlone() {
        for (String[] c : List.of(new String[] {"forward", "gauss_newton", "forward+gauss_newton"},
                new String[] {"central", "momentum", "central+momentum"}, new String[] {"spsa", "sgd", "spsa+sgd"},
                new String[] {"central", "cmaes", "cmaes"}, new String[] {"spsa", "bobyqa", "bobyqa"},
                new String[] {"forward", "nelder_mead", "nelder_mead"})) {
            TrainingConfigBuilder b = new TrainingConfigBuilder();
            b.targetMode = "measured_anchor_shift";
            b.anchorShiftNs = List.of(0.3);
            b.estimator = c[0];
            b.optimizer = c[1];
            assertEquals(c[2], RunPlots.method(b.build("test config")));
        }
    }
}
