package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Simultaneous perturbation (Spall 1992): all parameters perturbed at once by ±c_k (Rademacher),
 * two measurements per gradient estimate whatever the dimension; {@code resamplings} estimates
 * are averaged. Perturbation size c_k = c / (k + 1)^γ in unit coordinates. Points are clipped to
 * [0, 1] and each component divides by the span actually perturbed. The perturbation signs come
 * from a generator seeded by (seed, iteration), so runs and resumes are reproducible.
 */
public final class Spsa implements GradientEstimator {

    private final double c;
    private final double gamma;
    private final int resamplings;
    private final long seed;

    public Spsa(double c, double gamma, int resamplings, long seed) {
        if (!(c > 0 && c <= 0.5) || resamplings < 1) {
            throw new IllegalArgumentException("spsa c " + c + " outside (0, 0.5] or resamplings " + resamplings + " < 1");
        }
        this.c = c;
        this.gamma = gamma;
        this.resamplings = resamplings;
        this.seed = seed;
    }

    public double perturbation(int iteration) {
        return c / Math.pow(iteration + 1, gamma);
    }

    @Override
    public List<double[]> points(double[] u, int iteration) {
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + iteration);
        double ck = perturbation(iteration);
        List<double[]> pts = new ArrayList<>();
        pts.add(u.clone());
        for (int r = 0; r < resamplings; r++) {
            double[] plus = u.clone();
            double[] minus = u.clone();
            for (int i = 0; i < u.length; i++) {
                double d = rnd.nextBoolean() ? ck : -ck;
                plus[i] = Math.max(0, Math.min(1, u[i] + d));
                minus[i] = Math.max(0, Math.min(1, u[i] - d));
            }
            pts.add(plus);
            pts.add(minus);
        }
        return pts;
    }

    @Override
    public double[] gradient(List<double[]> points, double[] losses, int iteration) {
        int n = points.get(0).length;
        double[] g = new double[n];
        int r = (points.size() - 1) / 2;
        for (int k = 0; k < r; k++) {
            double[] plus = points.get(1 + 2 * k);
            double[] minus = points.get(2 + 2 * k);
            double diff = losses[1 + 2 * k] - losses[2 + 2 * k];
            for (int i = 0; i < n; i++) {
                double span = plus[i] - minus[i];
                g[i] += span == 0 ? 0 : diff / span / r;
            }
        }
        return g;
    }
}
