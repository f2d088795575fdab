package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EstimatorAndUpdateRuleTest {

    /** A quadratic bowl in unit coordinates: L(u) = Σ w_i (u_i − 0.3)². */
    static double bowl(double[] u) {
        double[] w = {1, 4, 9};
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += w[i] * (u[i] - 0.3) * (u[i] - 0.3);
        }
        return s;
    }

    static double[] losses(List<double[]> pts) {
        return pts.stream().mapToDouble(EstimatorAndUpdateRuleTest::bowl).toArray();
    }

    @Test
    void spsaUsesTwoPointsPerResamplingAndIsUnbiasedOnAQuadratic() {
        double[] u = {0.5, 0.5, 0.5};
        double[] exact = {2 * 1 * 0.2, 2 * 4 * 0.2, 2 * 9 * 0.2};
        double[] mean = new double[3];
        int n = 4000;
        for (int k = 0; k < n; k++) {
            Spsa spsa = new Spsa(0.05, 0, 1, k);
            List<double[]> pts = spsa.points(u, 0);
            assertEquals(3, pts.size(), "current point + one ± pair, whatever the dimension");
            double[] g = spsa.gradient(pts, losses(pts), 0);
            for (int i = 0; i < 3; i++) {
                mean[i] += g[i] / n;
            }
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(exact[i], mean[i], 0.12 * (exact[0] + exact[1] + exact[2]) / 3, "component " + i);
        }
        Spsa a = new Spsa(0.05, 0.101, 2, 7);
        assertArrayEquals(a.points(u, 3).get(1), new Spsa(0.05, 0.101, 2, 7).points(u, 3).get(1), "seeded by (seed, iteration)");
        assertEquals(5, a.points(u, 3).size());
        assertEquals(0.05 / Math.pow(4, 0.101), a.perturbation(3), 1e-15);
    }

    @Test
    void spsaDividesByTheSpanActuallyPerturbedAtABound() {
        Spsa spsa = new Spsa(0.1, 0, 1, 3);
        double[] u = {0.0, 0.5};
        List<double[]> pts = spsa.points(u, 0);
        double[] plus = pts.get(1);
        double[] minus = pts.get(2);
        assertEquals(0.1, Math.abs(plus[0] - minus[0]), 1e-15, "one side clipped at 0: span 0.1, not 0.2");
        double[] g = spsa.gradient(pts, new double[] {0, 1.0, 0.0}, 0);
        assertEquals(1.0 / (plus[0] - minus[0]), g[0], 1e-12);
        assertEquals(1.0 / (plus[1] - minus[1]), g[1], 1e-12);
    }

    @Test
    void adamMatchesHandComputedFirstSteps() {
        UpdateRule adam = new UpdateRule(TrainingConfig.Optimizer.ADAM, TrainingConfig.LrSchedule.INVERSE, 0.1, 0, 10, 1, 0, 0, 0.9, 0.999, 1e-8);
        double[] step = new double[1];
        double[] u = adam.apply(new double[] {0.5}, new double[] {2.0}, 0, step);
        // m = 0.2, v = 0.004; m̂ = 2, v̂ = 4: step = −0.1 · 2 / 2 = −0.1
        assertEquals(-0.1, step[0], 1e-9);
        assertEquals(0.4, u[0], 1e-9);
        adam.apply(u, new double[] {-1.0}, 1, step);
        double m = 0.9 * 0.2 + 0.1 * -1;
        double v = 0.999 * 0.004 + 0.001 * 1;
        double expected = -0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
        assertEquals(expected, step[0], 1e-9);
        UpdateRule resumed = new UpdateRule(TrainingConfig.Optimizer.ADAM, TrainingConfig.LrSchedule.INVERSE, 0.1, 0, 10, 1, 0, 0, 0.9, 0.999, 1e-8);
        resumed.restore(adam.state());
        double[] s1 = new double[1];
        double[] s2 = new double[1];
        adam.apply(new double[] {0.5}, new double[] {0.3}, 2, s1);
        resumed.apply(new double[] {0.5}, new double[] {0.3}, 2, s2);
        assertEquals(s1[0], s2[0], 0.0, "restored state continues exactly");
    }

    @Test
    void momentumClippingAndSchedules() {
        UpdateRule mom = new UpdateRule(TrainingConfig.Optimizer.MOMENTUM, TrainingConfig.LrSchedule.INVERSE, 0.1, 0, 10, 1, 0, 0, 0.5, 0.999, 1e-8);
        double[] step = new double[1];
        mom.apply(new double[] {0.5}, new double[] {1.0}, 0, step);
        assertEquals(-0.1, step[0], 1e-12);
        mom.apply(new double[] {0.5}, new double[] {1.0}, 1, step);
        assertEquals(-0.15, step[0], 1e-12, "v = 0.5·1 + 1");
        UpdateRule clipped = new UpdateRule(TrainingConfig.Optimizer.SGD, TrainingConfig.LrSchedule.INVERSE, 1, 0, 10, 1, 0.2, 0, 0.9, 0.999, 1e-8);
        clipped.apply(new double[] {0.5, 0.5}, new double[] {5, -0.1}, 0, step = new double[2]);
        assertArrayEquals(new double[] {-0.2, 0.1}, step, 1e-12, "value clipping at 0.2");
        UpdateRule norm = new UpdateRule(TrainingConfig.Optimizer.SGD, TrainingConfig.LrSchedule.INVERSE, 1, 0, 10, 1, 0, 0.5, 0.9, 0.999, 1e-8);
        norm.apply(new double[] {0.5, 0.5}, new double[] {3, 4}, 0, step);
        assertArrayEquals(new double[] {-0.3, -0.4}, step, 1e-12, "norm clipping to 0.5");
        assertEquals(0.1 * 0.9 * 0.9, new UpdateRule(TrainingConfig.Optimizer.SGD, TrainingConfig.LrSchedule.EXPONENTIAL, 0.1, 0.9, 10, 1, 0, 0, 0.9, 0.999, 1e-8).rate(2), 1e-15);
        assertEquals(0.1 * 0.5, new UpdateRule(TrainingConfig.Optimizer.SGD, TrainingConfig.LrSchedule.STEP, 0.1, 0.5, 10, 1, 0, 0, 0.9, 0.999, 1e-8).rate(15), 1e-15);
        assertEquals(0.2 / Math.pow(3 + 2, 0.602), new UpdateRule(TrainingConfig.Optimizer.SGD, TrainingConfig.LrSchedule.SPALL, 0.2, 0, 10, 1, 0, 0, 0.9, 0.999, 1e-8)
                .withSpallGains(2, 0.602).rate(2), 1e-15);
        assertNotEquals(0, step[0]);
    }

    @Test
    void spsaWithMomentumDescendsTheBowl() {
        double[] u = {0.9, 0.1, 0.8};
        Spsa spsa = new Spsa(0.05, 0.101, 1, 11);
        UpdateRule rule = new UpdateRule(TrainingConfig.Optimizer.MOMENTUM, TrainingConfig.LrSchedule.SPALL, 0.05, 0, 10, 0.1, 0, 0, 0.5, 0.999, 1e-8).withSpallGains(2, 0.602);
        double start = bowl(u);
        double[] step = new double[3];
        for (int k = 0; k < 60; k++) {
            List<double[]> pts = spsa.points(u, k);
            u = rule.apply(u, spsa.gradient(pts, losses(pts), k), k, step);
        }
        assertTrue(bowl(u) < 0.05 * start, start + " -> " + bowl(u));
    }
}
