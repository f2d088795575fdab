package org.tileloop.train;

import java.util.Arrays;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * A Gaussian-process regression model on the unit box with one or more outputs: constant mean
 * (each output standardised to mean 0, sd 1), one Matérn 5/2 kernel with one length scale per
 * input (ARD), signal variance and Gaussian noise variance shared by the outputs and fitted by
 * maximum likelihood (the sum of the outputs' log likelihoods: outputs of one circuit, e.g. the
 * spike times of its channels, vary on the same scales). The log-hyperparameters are maximised
 * with BOBYQA inside fixed bounds from a few deterministic starts, so the same data always give
 * the same model. Immutable; not tied to a thread.
 */
final class GaussianProcess {

    /** Length scales (unit coordinates), signal and noise variance (standardised units). */
    record Hyperparameters(double[] lengthScales, double signalVariance, double noiseVariance) {
    }

    /** Posterior means and latent sds (noise excluded) of every output at one point, in the outputs' units. */
    record Prediction(double[] means, double[] sds) {
    }

    static final double MIN_LENGTH = 0.02;
    static final double MAX_LENGTH = 5;
    static final double MIN_SIGNAL = 0.05;
    static final double MAX_SIGNAL = 20;
    static final double MIN_NOISE = 1e-6;
    static final double MAX_NOISE = 1;
    private static final double[] START_LENGTHS = {0.15, 0.4, 1.0};
    private static final int FIT_EVALUATIONS = 400;

    private final double[][] x;
    private final double[][] yStd;
    private final double[] yMean;
    private final double[] ySd;
    private final Hyperparameters h;
    private final double[][] lower;
    private final double[][] alpha;
    private final double logLikelihood;

    private GaussianProcess(double[][] x, double[][] yStd, double[] yMean, double[] ySd, Hyperparameters h) {
        this.x = x;
        this.yStd = yStd;
        this.yMean = yMean;
        this.ySd = ySd;
        this.h = h;
        CholeskyDecomposition c = cholesky(x, h);
        this.lower = c.getL().getData();
        this.alpha = new double[yStd.length][];
        double logDet = 0;
        for (int i = 0; i < x.length; i++) {
            logDet += 2 * Math.log(lower[i][i]);
        }
        double ll = 0;
        for (int j = 0; j < yStd.length; j++) {
            alpha[j] = c.getSolver().solve(new ArrayRealVector(yStd[j], false)).toArray();
            double fit = 0;
            for (int i = 0; i < x.length; i++) {
                fit += yStd[j][i] * alpha[j][i];
            }
            ll += -0.5 * fit - 0.5 * logDet - 0.5 * x.length * Math.log(2 * Math.PI);
        }
        this.logLikelihood = ll;
    }

    /** Fits a one-output model to observations {@code y} at points {@code x} (each in [0, 1]^d; at least one point). */
    static GaussianProcess fit(double[][] x, double[] y) {
        return fit(x, new double[][] {y});
    }

    /**
     * Fits a model of {@code outputs.length} outputs to observations {@code outputs[j][i]} of
     * output j at point {@code x[i]} (each in [0, 1]^d; at least one point and one output).
     */
    static GaussianProcess fit(double[][] x, double[][] outputs) {
        int m = outputs.length;
        double[] mean = new double[m];
        double[] sd = new double[m];
        double[][] ys = new double[m][];
        for (int j = 0; j < m; j++) {
            double[] y = outputs[j];
            double mu = Arrays.stream(y).average().orElse(0);
            double var = Arrays.stream(y).map(v -> (v - mu) * (v - mu)).sum() / Math.max(1, y.length - 1);
            mean[j] = mu;
            sd[j] = var > 1e-24 ? Math.sqrt(var) : 1;
            double sdj = sd[j];
            ys[j] = Arrays.stream(y).map(v -> (v - mu) / sdj).toArray();
        }
        double[][] xs = Arrays.stream(x).map(double[]::clone).toArray(double[][]::new);
        return new GaussianProcess(xs, ys, mean, sd, maximumLikelihood(xs, ys));
    }

    /**
     * The same model (hyperparameters and standardisation kept) with one more observation: the
     * kriging believer of a batch adds its own prediction this way.
     *
     * @param y one value per output
     */
    GaussianProcess with(double[] point, double... y) {
        double[][] xs = Arrays.copyOf(x, x.length + 1);
        xs[x.length] = point.clone();
        double[][] ys = new double[yStd.length][];
        for (int j = 0; j < ys.length; j++) {
            ys[j] = Arrays.copyOf(yStd[j], yStd[j].length + 1);
            ys[j][yStd[j].length] = (y[j] - yMean[j]) / ySd[j];
        }
        return new GaussianProcess(xs, ys, yMean, ySd, h);
    }

    /** The posterior mean of the first output at {@code point}, in the units of its observations. */
    double mean(double[] point) {
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m += kernel(point, x[i], h) * alpha[0][i];
        }
        return yMean[0] + ySd[0] * m;
    }

    /** The posterior sd of the first output's latent function (noise excluded) at {@code point}, in the units of its observations. */
    double sd(double[] point) {
        return ySd[0] * standardSd(kernels(point));
    }

    /** Every output's posterior mean and latent sd at {@code point}. */
    Prediction predict(double[] point) {
        double[] k = kernels(point);
        double s = standardSd(k);
        double[] means = new double[yStd.length];
        double[] sds = new double[yStd.length];
        for (int j = 0; j < means.length; j++) {
            double m = 0;
            for (int i = 0; i < x.length; i++) {
                m += k[i] * alpha[j][i];
            }
            means[j] = yMean[j] + ySd[j] * m;
            sds[j] = ySd[j] * s;
        }
        return new Prediction(means, sds);
    }

    private double[] kernels(double[] point) {
        double[] k = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            k[i] = kernel(point, x[i], h);
        }
        return k;
    }

    private double standardSd(double[] k) {
        int n = x.length;
        double[] v = new double[n];
        double s = h.signalVariance();
        for (int i = 0; i < n; i++) {
            double sum = k[i];
            for (int j = 0; j < i; j++) {
                sum -= lower[i][j] * v[j];
            }
            v[i] = sum / lower[i][i];
            s -= v[i] * v[i];
        }
        return Math.sqrt(Math.max(s, 1e-12 * h.signalVariance()));
    }

    Hyperparameters hyperparameters() {
        return h;
    }

    /** The log marginal likelihood of the standardised observations under the fitted hyperparameters. */
    double logLikelihood() {
        return logLikelihood;
    }

    /** Matérn 5/2 with ARD: σ²(1 + √5 r + 5r²/3) exp(−√5 r), r the scaled distance. */
    static double kernel(double[] a, double[] b, Hyperparameters h) {
        double r2 = 0;
        double[] l = h.lengthScales();
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] - b[i]) / l[i];
            r2 += d * d;
        }
        double r = Math.sqrt(5 * r2);
        return h.signalVariance() * (1 + r + r * r / 3) * Math.exp(-r);
    }

    /** Cholesky of K + σn² I, adding jitter (from 1e-10 of the signal variance, ×10 per try) when K is not numerically positive definite. */
    private static CholeskyDecomposition cholesky(double[][] x, Hyperparameters h) {
        int n = x.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                k[i][j] = kernel(x[i], x[j], h);
                k[j][i] = k[i][j];
            }
        }
        double jitter = 0;
        for (int attempt = 0; attempt < 8; attempt++) {
            double[][] a = new double[n][];
            for (int i = 0; i < n; i++) {
                a[i] = k[i].clone();
                a[i][i] += h.noiseVariance() + jitter;
            }
            try {
                return new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 1e-9, 1e-14);
            } catch (NonPositiveDefiniteMatrixException e) {
                jitter = jitter == 0 ? 1e-10 * h.signalVariance() : jitter * 10;
            }
        }
        throw new IllegalStateException("the kernel matrix of " + n + " points is not positive definite even with jitter " + jitter);
    }

    private static Hyperparameters maximumLikelihood(double[][] x, double[][] ys) {
        int d = x[0].length;
        double[] lo = new double[d + 2];
        double[] hi = new double[d + 2];
        Arrays.fill(lo, 0, d, Math.log(MIN_LENGTH));
        Arrays.fill(hi, 0, d, Math.log(MAX_LENGTH));
        lo[d] = Math.log(MIN_SIGNAL);
        hi[d] = Math.log(MAX_SIGNAL);
        lo[d + 1] = Math.log(MIN_NOISE);
        hi[d + 1] = Math.log(MAX_NOISE);
        double[] bestT = null;
        double bestV = Double.NEGATIVE_INFINITY;
        for (double l : START_LENGTHS) {
            double[] t0 = new double[d + 2];
            Arrays.fill(t0, 0, d, Math.log(l));
            t0[d + 1] = Math.log(1e-2);
            double[][] seen = {t0};
            double[] seenV = {Double.NEGATIVE_INFINITY};
            ObjectiveFunction lml = new ObjectiveFunction(t -> {
                double v;
                try {
                    v = new GaussianProcess(x, ys, new double[ys.length], ones(ys.length), decode(t, d)).logLikelihood;
                } catch (IllegalStateException e) {
                    v = -1e300;
                }
                if (v > seenV[0]) {
                    seenV[0] = v;
                    seen[0] = t.clone();
                }
                return v;
            });
            try {
                new BOBYQAOptimizer(2 * (d + 2) + 1, 0.5, 1e-3).optimize(new MaxEval(FIT_EVALUATIONS), lml, GoalType.MAXIMIZE,
                        new InitialGuess(t0), new SimpleBounds(lo, hi));
            } catch (TooManyEvaluationsException spent) {
                // the best point seen stands
            }
            if (seenV[0] > bestV) {
                bestV = seenV[0];
                bestT = seen[0];
            }
        }
        return decode(bestT, d);
    }

    private static double[] ones(int m) {
        double[] o = new double[m];
        Arrays.fill(o, 1);
        return o;
    }

    private static Hyperparameters decode(double[] t, int d) {
        double[] l = new double[d];
        for (int i = 0; i < d; i++) {
            l[i] = Math.exp(t[i]);
        }
        return new Hyperparameters(l, Math.exp(t[d]), Math.exp(t[d + 1]));
    }
}
