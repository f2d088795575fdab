package org.tileloop.train;

/**
 * Normalised gradient descent in unit coordinates: the step is {@code lr_k · g / ‖g‖} with
 * {@code lr_k = stepSize / (1 + decay · k)}, each component capped at {@code maxStep}, and the
 * result projected back into [0, 1] (the parameter bounds, which lie inside the safety limits).
 */
public record StepRule(double stepSize, double decay, double maxStep) {

    public double rate(int iteration) {
        return stepSize / (1 + decay * iteration);
    }

    /** @return the new point; {@code stepOut} receives the step actually taken (new − old) */
    public double[] apply(double[] u, double[] gradient, int iteration, double[] stepOut) {
        double norm = 0;
        for (double g : gradient) {
            norm += g * g;
        }
        norm = Math.sqrt(norm);
        double[] next = u.clone();
        for (int i = 0; i < u.length; i++) {
            double s = norm > 0 && Double.isFinite(norm) ? -rate(iteration) * gradient[i] / norm : 0;
            s = Math.max(-maxStep, Math.min(maxStep, s));
            next[i] = Math.max(0, Math.min(1, u[i] + s));
            stepOut[i] = next[i] - u[i];
        }
        return next;
    }
}
