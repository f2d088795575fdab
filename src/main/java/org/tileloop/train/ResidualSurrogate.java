package org.tileloop.train;

import java.util.Random;

/**
 * A composite surrogate: one {@link GaussianProcess} output per timing residual (first spike −
 * target of each targeted train channel, ns), and the loss computed from them, so the model
 * knows the loss is a mean of squares. Each residual is a smooth, nearly linear function of the
 * parameters even where the loss is a thin curved valley, so a handful of points pin the
 * valley down (Astudillo and Frazier, "Bayesian optimization of composite functions", ICML 2019).
 *
 * <p>The objective is the expected loss ({@link Composite}): its timing part, the timing weight
 * × mean over residuals of (μ² + s²), μ and s each residual's posterior mean and latent sd, in
 * closed form, its order part as the mean over a fixed set of standard normal draws of the
 * residuals (the same draws for every point, so the objective is a smooth, deterministic
 * function of the point). Expected improvement is the mean over the same draws of the
 * improvement of the loss computed from the drawn residuals. Where no draw improves, a normal
 * approximation of the timing loss ranks the point below every point with a positive estimate.
 */
final class ResidualSurrogate implements Surrogate {

    private static final int DRAWS = 128;
    private static final long DRAW_SEED = 20191;
    private static final double NO_DRAW_IMPROVES = 1000;

    /**
     * The loss as a function of the residuals r (ns): timing weight × mean of r², plus order weight
     * × Σ over order pairs of max(0, r_a − r_b + offset)² / traces, where a pair's offset is
     * target_a − target_b + the order margin (so r_a − r_b + offset = t_a + margin − t_b).
     *
     * @param orderPairs indices {a, b} into the residuals, one per (train trace, order pair)
     * @param orderScale the order weight divided by the number of train traces
     */
    record Composite(double timingWeight, int[][] orderPairs, double[] orderOffsetsNs, double orderScale) {

        /** The loss at residuals {@code r}, ns². */
        double of(double[] r) {
            double sum = 0;
            for (double v : r) {
                sum += v * v;
            }
            return timingWeight * sum / r.length + order(r);
        }

        double order(double[] r) {
            double sum = 0;
            for (int p = 0; p < orderPairs.length; p++) {
                double v = r[orderPairs[p][0]] - r[orderPairs[p][1]] + orderOffsetsNs[p];
                if (v > 0) {
                    sum += v * v;
                }
            }
            return orderScale * sum;
        }
    }

    private final GaussianProcess gp;
    private final Composite loss;
    private final double weight;
    private final double[][] z;

    private ResidualSurrogate(GaussianProcess gp, Composite loss, double[][] z) {
        this.gp = gp;
        this.loss = loss;
        this.weight = loss.timingWeight();
        this.z = z;
    }

    /** @param residualsNs {@code residualsNs[j][i]}: residual j at point i, ns */
    static ResidualSurrogate fit(double[][] points, double[][] residualsNs, Composite loss) {
        Random rng = new Random(DRAW_SEED);
        double[][] z = new double[DRAWS][residualsNs.length];
        for (double[] row : z) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return new ResidualSurrogate(GaussianProcess.fit(points, residualsNs), loss, z);
    }

    /** The expected loss, ns². */
    @Override
    public double mean(double[] x) {
        GaussianProcess.Prediction p = gp.predict(x);
        double[] mu = p.means();
        double[] s = p.sds();
        double sum = 0;
        for (int j = 0; j < mu.length; j++) {
            sum += mu[j] * mu[j] + s[j] * s[j];
        }
        double order = 0;
        if (loss.orderPairs().length > 0) {
            double[] r = new double[mu.length];
            for (double[] draw : z) {
                for (int j = 0; j < mu.length; j++) {
                    r[j] = mu[j] + s[j] * draw[j];
                }
                order += loss.order(r);
            }
            order /= z.length;
        }
        return weight * sum / mu.length + order;
    }

    @Override
    public double logExpectedImprovement(double[] x, double best) {
        GaussianProcess.Prediction p = gp.predict(x);
        double[] mu = p.means();
        double[] s = p.sds();
        int m = mu.length;
        double ei = 0;
        double[] r = new double[m];
        for (double[] draw : z) {
            for (int j = 0; j < m; j++) {
                r[j] = mu[j] + s[j] * draw[j];
            }
            ei += Math.max(0, best - loss.of(r));
        }
        if (ei > 0) {
            return Math.log(ei / z.length);
        }
        double mean = 0;
        double var = 0;
        for (int j = 0; j < m; j++) {
            double v = s[j] * s[j];
            mean += mu[j] * mu[j] + v;
            var += 2 * v * v + 4 * mu[j] * mu[j] * v;
        }
        double scale = weight / m;
        return Surrogate.logExpectedImprovement(scale * mean, Math.max(scale * Math.sqrt(var), 1e-300), best) - NO_DRAW_IMPROVES;
    }

    @Override
    public Surrogate believe(double[] x) {
        return new ResidualSurrogate(gp.with(x, gp.predict(x).means()), loss, z);
    }

    @Override
    public double[] lengthScales() {
        return gp.hyperparameters().lengthScales().clone();
    }
}
