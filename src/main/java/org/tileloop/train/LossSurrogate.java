package org.tileloop.train;

/**
 * A {@link GaussianProcess} of log(loss + {@link #LOSS_FLOOR_NS2}): losses span decades (a
 * missing spike costs 25 ns², the noise floor is ~1e-4 ns²), a stationary kernel fitted to raw
 * losses spends its variance on the far, bad points and sees the whole basin as flat, and timing
 * noise on a loss near its floor is roughly multiplicative, so log-space noise is closer to one
 * variance everywhere. EI uses the latent sd, so a point already measured often is worth little.
 */
record LossSurrogate(GaussianProcess gp) implements Surrogate {

    /** Added to every loss before the logarithm, ns² (a loss of exactly 0 stays finite). */
    static final double LOSS_FLOOR_NS2 = 1e-9;

    /** The surrogate of train losses {@code lossesNs2} at {@code points}. */
    static LossSurrogate fit(double[][] points, double[] lossesNs2) {
        double[] y = new double[lossesNs2.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.log(lossesNs2[i] + LOSS_FLOOR_NS2);
        }
        return new LossSurrogate(GaussianProcess.fit(points, y));
    }

    /** The posterior mean of log(loss + floor). */
    @Override
    public double mean(double[] x) {
        return gp.mean(x);
    }

    @Override
    public double logExpectedImprovement(double[] x, double best) {
        return Surrogate.logExpectedImprovement(gp.mean(x), gp.sd(x), best);
    }

    @Override
    public Surrogate believe(double[] x) {
        return new LossSurrogate(gp.with(x, gp.mean(x)));
    }

    @Override
    public double[] lengthScales() {
        return gp.hyperparameters().lengthScales().clone();
    }
}
