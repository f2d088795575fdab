package org.tileloop.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.input.BadInputException;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.file.Rigs;

/** A 500-point sweep stopped part-way (and cut mid-line, as by SIGKILL) continues without measuring a finished point again. */
class SweepTest {

    static final RigFile DIGITAL = RigFileLoader.load(Path.of("rigs/digital-detector.yaml"));

    @TempDir
    Path dir;

    /** Records every vector it is asked to measure. */
    static final class Counting implements Rig {
        final Rig rig;
        final List<ParameterVector> measured = new ArrayList<>();

        Counting(Rig rig) {
            this.rig = rig;
        }

        @Override
        public RigDescription description() {
            return rig.description();
        }

        @Override
        public List<StimulusResult> measure(List<Probe> batch) {
            batch.forEach(p -> measured.add(p.parameters()));
            return rig.measure(batch);
        }

        @Override
        public Calibration calibration() {
            return rig.calibration();
        }

        @Override
        public void useCalibration(Calibration c) {
            rig.useCalibration(c);
        }

        @Override
        public void close() {
            rig.close();
        }
    }

    static SweepSpec spec() {
        var d = DIGITAL.description();
        return new SweepSpec(d.id(), DIGITAL.sha256(), SweepSpec.Mode.RANDOM,
                SweepSpec.axes(List.of("r_fb=2000:6000", "rleak=25000:80000", "iin_amp=1.2:1.8"), false, d, "--ranges"), 500, 7, "in0",
                List.of(4.0, 6.5), Map.of());
    }

    @Test
    void aStoppedSweepContinuesWithoutMeasuringAFinishedPointAgain() throws Exception {
        SweepSpec spec = spec();
        List<ParameterVector> points = spec.points(DIGITAL.description());
        Path whole = dir.resolve("whole");
        try (Counting rig = new Counting(Rigs.open(DIGITAL))) {
            Sweep.Outcome o = Sweep.run(rig, spec, whole, "n3", () -> false, n -> { });
            assertEquals(new Sweep.Outcome(500, 0, 500, 1000, true, List.of(whole.resolve("heatmap-r_fb-rleak.svg"),
                    whole.resolve("heatmap-r_fb-iin_amp.svg"), whole.resolve("heatmap-rleak-iin_amp.svg"))), o);
        }

        Path part = dir.resolve("part");
        int[] batches = {0};
        try (Counting rig = new Counting(Rigs.open(DIGITAL))) {
            Sweep.Outcome o = Sweep.run(rig, spec, part, "n3", () -> batches[0]++ == 3, n -> { });
            assertEquals(3 * Sweep.BATCH_POINTS, o.measured());
            assertTrue(!o.completed() && o.heatmaps().isEmpty());
            assertEquals(points.subList(0, 96).stream().flatMap(p -> java.util.stream.Stream.of(p, p)).toList(), rig.measured);
        }
        Path csv = part.resolve("points.csv");
        Files.writeString(csv, "96,3111.5,4", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (Counting rig = new Counting(Rigs.open(DIGITAL))) {
            Sweep.Outcome o = Sweep.run(rig, spec, part, "n3", () -> false, n -> { });
            assertEquals(96, o.finishedBefore());
            assertEquals(404, o.measured());
            assertEquals(808, o.measurements());
            assertEquals(points.subList(96, 500).stream().flatMap(p -> java.util.stream.Stream.of(p, p)).toList(), rig.measured,
                    "only the points after the 96 finished ones, each at both delays, once");
        }
        assertArrayEquals(Files.readAllBytes(whole.resolve("points.csv")), Files.readAllBytes(csv), "the same CSV as without the stop");
        assertEquals(1 + 500 * 2 * 4, Files.readAllLines(csv).size(), "header + points x delays x channels");
        assertArrayEquals(Files.readAllBytes(whole.resolve("heatmap-r_fb-rleak.svg")), Files.readAllBytes(part.resolve("heatmap-r_fb-rleak.svg")));

        try (Counting rig = new Counting(Rigs.open(DIGITAL))) {
            Sweep.Outcome o = Sweep.run(rig, spec, part, "n3", () -> false, n -> { });
            assertEquals(0, o.measured());
            assertEquals(List.of(), rig.measured, "a finished sweep measures nothing");
        }
    }

    @Test
    void aDirectoryOfAnotherSweepIsRefused() throws Exception {
        SweepSpec spec = spec();
        Sweep.prepare(dir, spec);
        SweepSpec other = new SweepSpec(spec.rigId(), spec.rigSha256(), spec.mode(), spec.axes(), 499, spec.seed(), spec.input(),
                spec.delaysNs(), spec.set());
        BadInputException e = assertThrows(BadInputException.class, () -> Sweep.prepare(dir, other));
        assertTrue(e.getMessage().contains("holds another sweep (500 random points"), e.getMessage());
    }

    @Test
    void gridPointsRunFromLoToHiWithTheFirstParameterSlowest() {
        var d = DIGITAL.description();
        SweepSpec spec = new SweepSpec(d.id(), DIGITAL.sha256(), SweepSpec.Mode.GRID,
                SweepSpec.axes(List.of("r_fb=2000:6000:3", "rleak=25000:80000:2"), true, d, "--grid"), 0, 0, "in0", List.of(5.0), Map.of());
        List<ParameterVector> p = spec.points(d);
        assertEquals(6, p.size());
        assertEquals(List.of(2000.0, 25000.0), List.of(p.get(0).get("r_fb"), p.get(0).get("rleak")));
        assertEquals(List.of(2000.0, 80000.0), List.of(p.get(1).get("r_fb"), p.get(1).get("rleak")));
        assertEquals(List.of(4000.0, 25000.0), List.of(p.get(2).get("r_fb"), p.get(2).get("rleak")));
        assertEquals(List.of(6000.0, 80000.0), List.of(p.get(5).get("r_fb"), p.get(5).get("rleak")));
        assertEquals(1.4, p.get(3).get("iin_amp"), "not swept: the default");
        BadInputException e = assertThrows(BadInputException.class,
                () -> SweepSpec.axes(List.of("r_fb=1000:6000:3"), true, d, "--grid"));
        assertTrue(e.getMessage().startsWith("--grid r_fb: want LO <= HI inside the allowed range"), e.getMessage());
    }
}
