package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Finite-difference gradient in unit parameter coordinates.
 *
 * <p>{@link #points} lists the points to measure: the current point first, then, central, a pair
 * {@code (u + h, u − h)} per parameter (2n + 1 points); forward, one point {@code u + h} per
 * parameter ({@code u − h} when {@code u + h} leaves the box), compared with the current point
 * (n + 1 points). A perturbation that would leave [0, 1] is clipped at the bound, and
 * {@link #gradient} divides by the span actually perturbed. {@link #pair} names the two points
 * whose difference gives component i.
 */
public final class FiniteDifference implements GradientEstimator {

    public enum Scheme { CENTRAL, FORWARD }

    private final Scheme scheme;
    private final double h;

    public FiniteDifference(Scheme scheme, double stepUnit) {
        if (!(stepUnit > 0 && stepUnit <= 0.5)) {
            throw new IllegalArgumentException("finite-difference step " + stepUnit + " outside (0, 0.5]");
        }
        this.scheme = scheme;
        this.h = stepUnit;
    }

    @Override
    public List<double[]> points(double[] u, int iteration) {
        return points(u);
    }

    @Override
    public double[] gradient(List<double[]> points, double[] losses, int iteration) {
        return gradient(points, losses);
    }

    public List<double[]> points(double[] u) {
        List<double[]> pts = new ArrayList<>();
        pts.add(u.clone());
        for (int i = 0; i < u.length; i++) {
            double up = Math.min(1, u[i] + h);
            double down = Math.max(0, u[i] - h);
            if (scheme == Scheme.CENTRAL) {
                pts.add(with(u, i, up));
                pts.add(with(u, i, down));
            } else {
                pts.add(with(u, i, up > u[i] ? up : down));
            }
        }
        return pts;
    }

    /** Indices (into {@link #points}) of the two points whose difference gives component {@code i}: {a, b}, divided by a_i − b_i. */
    public int[] pair(int i) {
        return scheme == Scheme.CENTRAL ? new int[] {1 + 2 * i, 2 + 2 * i} : new int[] {1 + i, 0};
    }

    /** @param losses the loss at each of {@link #points}{@code (u)}, in order */
    public double[] gradient(List<double[]> points, double[] losses) {
        int n = points.get(0).length;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            int[] ab = pair(i);
            double span = points.get(ab[0])[i] - points.get(ab[1])[i];
            g[i] = span == 0 ? 0 : (losses[ab[0]] - losses[ab[1]]) / span;
        }
        return g;
    }

    private static double[] with(double[] u, int i, double value) {
        double[] p = u.clone();
        p[i] = value;
        return p;
    }
}
