package org.tileloop.train;

import org.apache.commons.math3.special.Erf;

/**
 * What {@code optimizer: bayes} models: an objective over the unit box to minimise, with its
 * uncertainty. {@link Acquisition} asks it for predictions and expected improvements only, so
 * it works the same on a model of the loss ({@link LossSurrogate}) and on a model of the timing
 * residuals that the loss is made of ({@link ResidualSurrogate}). Implementations are immutable.
 */
interface Surrogate {

    /** The predicted objective at {@code x} (unit coordinates), lower is better, in the surrogate's own units. */
    double mean(double[] x);

    /** log of the expected improvement at {@code x} below {@code best} (units of {@link #mean}); finite far into the tail. */
    double logExpectedImprovement(double[] x, double best);

    /** This surrogate with one more observation at {@code x}, equal to its own prediction (the kriging believer of a batch). */
    Surrogate believe(double[] x);

    /** The fitted length scale of each coordinate, unit coordinates. */
    double[] lengthScales();

    /** log EI of a Gaussian prediction (mean, sd) below {@code best}, for a minimisation; finite far into the tail. */
    static double logExpectedImprovement(double mean, double sd, double best) {
        double z = (best - mean) / sd;
        if (z > -6) {
            double cdf = 0.5 * Erf.erfc(-z / Math.sqrt(2));
            double pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
            return Math.log(sd) + Math.log(Math.max(z * cdf + pdf, 1e-300));
        }
        return Math.log(sd) - 0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z);
    }
}
