package org.tileloop.train;

import org.apache.commons.math3.special.Erf;

/**
 * The censored term of a targeted channel that did not fire before its window ended at T, under
 * Gaussian timing noise of σ around the target (a Tobit likelihood): −log(1 − Φ(z)),
 * z = (T − target)/σ, put on the timing term's ns² scale as
 * {@code 2σ² · max(0, −log(1 − Φ(z)) − log 2)} (README "Censored missing spikes" derives it).
 * For z ≫ 1 this is (T − target)² + 2σ²·log(z·√(π/2)) + O(σ²/z²): the squared error of a spike
 * at the window end, slightly more. Finite for every finite input.
 */
final class Tobit {

    /** Above this z, log(1 − Φ(z)) comes from its asymptotic series (erfc underflows near z = 38). */
    static final double SERIES_FROM_Z = 30;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double SQRT2 = Math.sqrt(2);

    private Tobit() {
    }

    /** log(1 − Φ(z)) for the standard normal CDF Φ, accurate to a few ulps up to z = 30 and to ~1e-10 beyond. */
    static double logUpperTail(double z) {
        if (z < SERIES_FROM_Z) {
            return Math.log(0.5 * Erf.erfc(z / SQRT2));
        }
        double inv2 = 1 / (z * z);
        return -0.5 * z * z - Math.log(z) - LOG_SQRT_2PI + Math.log1p(inv2 * (-1 + inv2 * (3 - 15 * inv2)));
    }

    /** The censored term, ns²: 0 when the target lies at or after the window end (silence is then on target). */
    static double termNs2(double windowEndNs, double targetNs, double sigmaNs) {
        double z = (windowEndNs - targetNs) / sigmaNs;
        if (!(z > 0)) {
            return 0;
        }
        return 2 * sigmaNs * sigmaNs * Math.max(0, -logUpperTail(z) - Math.log(2));
    }

    /** √{@link #termNs2}, ns: the censored pair's residual for Gauss–Newton (≈ T − target for z ≫ 1). */
    static double residualNs(double windowEndNs, double targetNs, double sigmaNs) {
        return Math.sqrt(termNs2(windowEndNs, targetNs, sigmaNs));
    }
}
