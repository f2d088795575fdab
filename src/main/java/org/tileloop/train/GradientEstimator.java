package org.tileloop.train;

import java.util.List;

/**
 * Estimates the loss gradient in unit parameter coordinates from losses measured at chosen
 * points. {@link #points} lists the points (the current point first); {@link #gradient} gets
 * the loss at each, in order. Implementations are deterministic for a given iteration.
 */
public interface GradientEstimator {

    List<double[]> points(double[] u, int iteration);

    double[] gradient(List<double[]> points, double[] losses, int iteration);
}
