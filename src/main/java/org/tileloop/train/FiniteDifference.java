package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Finite-difference gradient in unit parameter coordinates.
 *
 * <p>{@link #points} lists the points to measure: the current point first, then a pair
 * {@code (a, b)} per parameter. Central: {@code a = u + h}, {@code b = u − h}; forward:
 * {@code a = u + h}, {@code b = u} (backward when {@code u + h} leaves the box). A perturbation
 * that would leave [0, 1] is clipped at the bound, and {@link #gradient} divides by the span
 * actually perturbed, {@code a_i − b_i}.
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
            double a;
            double b;
            if (scheme == Scheme.CENTRAL) {
                a = up;
                b = down;
            } else if (up > u[i]) {
                a = up;
                b = u[i];
            } else {
                a = u[i];
                b = down;
            }
            pts.add(with(u, i, a));
            pts.add(with(u, i, b));
        }
        return pts;
    }

    /** @param losses the loss at each of {@link #points}{@code (u)}, in order */
    public double[] gradient(List<double[]> points, double[] losses) {
        int n = (points.size() - 1) / 2;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double span = points.get(1 + 2 * i)[i] - points.get(2 + 2 * i)[i];
            g[i] = span == 0 ? 0 : (losses[1 + 2 * i] - losses[2 + 2 * i]) / span;
        }
        return g;
    }

    private static double[] with(double[] u, int i, double value) {
        double[] p = u.clone();
        p[i] = value;
        return p;
    }
}
