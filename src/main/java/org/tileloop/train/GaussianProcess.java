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
 * A Gaussian-process regression model on the unit box: constant mean (the observations are
 * standardised to mean 0, sd 1), Matérn 5/2 kernel with one length scale per input (ARD), signal
 * variance and Gaussian noise variance fitted by maximum likelihood. The log-hyperparameters are
 * maximised with BOBYQA inside fixed bounds from a few deterministic starts, so the same data
 * always give the same model. Immutable; not tied to a thread.
 */
final class GaussianProcess {

    /** Length scales (unit coordinates), signal and noise variance (standardised units). */
    record Hyperparameters(double[] lengthScales, double signalVariance, double noiseVariance) {
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
    private final double[] yStd;
    private final double yMean;
    private final double ySd;
    private final Hyperparameters h;
    private final double[][] lower;
    private final double[] alpha;
    private final double logLikelihood;

    private GaussianProcess(double[][] x, double[] yStd, double yMean, double ySd, Hyperparameters h) {
        this.x = x;
        this.yStd = yStd;
        this.yMean = yMean;
        this.ySd = ySd;
        this.h = h;
        CholeskyDecomposition c = cholesky(x, h);
        this.lower = c.getL().getData();
        this.alpha = c.getSolver().solve(new ArrayRealVector(yStd, false)).toArray();
        double logDet = 0;
        for (int i = 0; i < x.length; i++) {
            logDet += 2 * Math.log(lower[i][i]);
        }
        double fit = 0;
        for (int i = 0; i < x.length; i++) {
            fit += yStd[i] * alpha[i];
        }
        this.logLikelihood = -0.5 * fit - 0.5 * logDet - 0.5 * x.length * Math.log(2 * Math.PI);
    }

    /** Fits the model to observations {@code y} at points {@code x} (each in [0, 1]^d; at least one point). */
    static GaussianProcess fit(double[][] x, double[] y) {
        int n = y.length;
        double mean = Arrays.stream(y).average().orElse(0);
        double var = Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, n - 1);
        double sd = var > 1e-24 ? Math.sqrt(var) : 1;
        double[] ys = Arrays.stream(y).map(v -> (v - mean) / sd).toArray();
        double[][] xs = Arrays.stream(x).map(double[]::clone).toArray(double[][]::new);
        Hyperparameters best = maximumLikelihood(xs, ys);
        return new GaussianProcess(xs, ys, mean, sd, best);
    }

    /**
     * The same model (hyperparameters and standardisation kept) with one more observation: the
     * kriging believer of a batch adds its own prediction this way.
     */
    GaussianProcess with(double[] point, double y) {
        double[][] xs = Arrays.copyOf(x, x.length + 1);
        xs[x.length] = point.clone();
        double[] ys = Arrays.copyOf(yStd, yStd.length + 1);
        ys[yStd.length] = (y - yMean) / ySd;
        return new GaussianProcess(xs, ys, yMean, ySd, h);
    }

    /** The posterior mean at {@code point}, in the units of the observations. */
    double mean(double[] point) {
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m += kernel(point, x[i], h) * alpha[i];
        }
        return yMean + ySd * m;
    }

    /** The posterior sd of the latent function (noise excluded) at {@code point}, in the units of the observations. */
    double sd(double[] point) {
        int n = x.length;
        double[] v = new double[n];
        double s = h.signalVariance();
        for (int i = 0; i < n; i++) {
            double sum = kernel(point, x[i], h);
            for (int j = 0; j < i; j++) {
                sum -= lower[i][j] * v[j];
            }
            v[i] = sum / lower[i][i];
            s -= v[i] * v[i];
        }
        return ySd * Math.sqrt(Math.max(s, 1e-12 * h.signalVariance()));
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

    private static Hyperparameters maximumLikelihood(double[][] x, double[] ys) {
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
                    v = new GaussianProcess(x, ys, 0, 1, decode(t, d)).logLikelihood;
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

    private static Hyperparameters decode(double[] t, int d) {
        double[] l = new double[d];
        for (int i = 0; i < d; i++) {
            l[i] = Math.exp(t[i]);
        }
        return new Hyperparameters(l, Math.exp(t[d]), Math.exp(t[d + 1]));
    }
}
