package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FiniteDifferenceTest {

    /** f(u) = 3 u0 + u1² */
    static double[] losses(List<double[]> pts) {
        return pts.stream().mapToDouble(p -> 3 * p[0] + p[1] * p[1]).toArray();
    }

    @Test
    void centralInTheInterior() {
        FiniteDifference fd = new FiniteDifference(FiniteDifference.Scheme.CENTRAL, 0.1);
        List<double[]> pts = fd.points(new double[] {0.5, 0.5});
        assertEquals(5, pts.size());
        assertArrayEquals(new double[] {0.6, 0.5}, pts.get(1), 1e-15);
        assertArrayEquals(new double[] {0.4, 0.5}, pts.get(2), 1e-15);
        // d/du1 of u1^2 at 0.5 by central difference is exact: 1.0
        assertArrayEquals(new double[] {3, 1}, fd.gradient(pts, losses(pts)), 1e-12);
    }

    @Test
    void clippedPerturbationDividesByTheActualSpan() {
        FiniteDifference fd = new FiniteDifference(FiniteDifference.Scheme.CENTRAL, 0.1);
        List<double[]> pts = fd.points(new double[] {0.95, 0.02});
        assertEquals(1.0, pts.get(1)[0]);
        assertEquals(0.85, pts.get(2)[0], 1e-15);
        assertEquals(0.12, pts.get(3)[1], 1e-15);
        assertEquals(0.0, pts.get(4)[1]);
        double[] g = fd.gradient(pts, losses(pts));
        assertEquals(3, g[0], 1e-12);
        // (0.12² − 0²) / 0.12 = 0.12, not divided by the nominal 0.2 (which would give 0.072)
        assertEquals(0.12, g[1], 1e-12);
    }

    @Test
    void forwardTurnsBackwardAtTheUpperBound() {
        FiniteDifference fd = new FiniteDifference(FiniteDifference.Scheme.FORWARD, 0.1);
        List<double[]> pts = fd.points(new double[] {1.0, 0.5});
        assertEquals(3, pts.size(), "forward differences share the current point: n + 1 points");
        assertArrayEquals(new double[] {0.9, 0.5}, pts.get(1), 1e-15);
        assertArrayEquals(new double[] {1.0, 0.6}, pts.get(2), 1e-15);
        assertArrayEquals(new int[] {1, 0}, fd.pair(0));
        double[] g = fd.gradient(pts, losses(pts));
        assertEquals(3, g[0], 1e-12);
        assertEquals(1.1, g[1], 1e-12);
    }

    @Test
    void stepIsNormalisedCappedAndStaysInBounds() {
        UpdateRule rule = new UpdateRule(TrainingConfig.Optimizer.NORMALIZED, TrainingConfig.LrSchedule.INVERSE, 0.1, 0.5, 10, 0.08, 0, 0, 0.9, 0.999, 1e-8);
        double[] step = new double[2];
        double[] next = rule.apply(new double[] {0.5, 0.03}, new double[] {3, 4}, 0, step);
        // normalised direction (-0.6, -0.8) * 0.1 -> (-0.06, -0.08); the second hits 0
        assertArrayEquals(new double[] {0.44, 0.0}, next, 1e-15);
        assertArrayEquals(new double[] {-0.06, -0.03}, step, 1e-15);
        assertEquals(0.05, rule.rate(2), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5}, rule.apply(new double[] {0.5, 0.5}, new double[] {0, 0}, 0, step));
    }

    @Test
    void rejectsSillySteps() {
        assertThrows(IllegalArgumentException.class, () -> new FiniteDifference(FiniteDifference.Scheme.CENTRAL, 0));
    }
}
