package org.tileloop.train;

/**
 * Turns a gradient (unit coordinates) into a step, with optional gradient clipping and a
 * learning-rate schedule; every step is capped per component at {@code maxStep} and projected
 * into [0, 1]. Stateful rules (momentum, Adam) expose their state so a resumed run continues
 * exactly.
 *
 * <ul>
 * <li>{@code normalized}: lr_k · g/‖g‖ (the default; robust to the loss scale);</li>
 * <li>{@code sgd}: lr_k · g;</li>
 * <li>{@code momentum}: v = β·v + g, step lr_k · v;</li>
 * <li>{@code adam}: bias-corrected first and second moments (β1, β2, ε), step lr_k · m̂/(√v̂ + ε).</li>
 * </ul>
 * lr_k: {@code inverse} stepSize/(1 + decay·k), {@code exponential} stepSize·decay^k,
 * {@code step} stepSize·decay^⌊k/stepEvery⌋.
 */
public final class UpdateRule {

    private final TrainingConfig.Optimizer kind;
    private final TrainingConfig.LrSchedule schedule;
    private final double stepSize;
    private final double decay;
    private final int stepEvery;
    private final double maxStep;
    private final double clipValue;
    private final double clipNorm;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double spallA = 2;
    private double spallAlpha = 0.602;
    private double[] m;
    private double[] v;

    public UpdateRule(TrainingConfig.Optimizer kind, TrainingConfig.LrSchedule schedule, double stepSize, double decay, int stepEvery, double maxStep,
                      double clipValue, double clipNorm, double beta1, double beta2, double epsilon) {
        this.kind = kind;
        this.schedule = schedule;
        this.stepSize = stepSize;
        this.decay = decay;
        this.stepEvery = stepEvery;
        this.maxStep = maxStep;
        this.clipValue = clipValue;
        this.clipNorm = clipNorm;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** Spall's gain sequence a_k = step_size / (k + 1 + A)^α for schedule {@code spall}. */
    public UpdateRule withSpallGains(double a, double alpha) {
        this.spallA = a;
        this.spallAlpha = alpha;
        return this;
    }

    public double rate(int k) {
        return switch (schedule) {
            case EXPONENTIAL -> stepSize * Math.pow(decay, k);
            case STEP -> stepSize * Math.pow(decay, Math.floor((double) k / stepEvery));
            case SPALL -> stepSize / Math.pow(k + 1 + spallA, spallAlpha);
            case INVERSE -> stepSize / (1 + decay * k);
        };
    }

    /** @return the new point; {@code stepOut} receives new − old */
    public double[] apply(double[] u, double[] gradient, int k, double[] stepOut) {
        int n = u.length;
        double[] g = gradient.clone();
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(g[i])) {
                g[i] = 0;
            }
            if (clipValue > 0) {
                g[i] = Math.max(-clipValue, Math.min(clipValue, g[i]));
            }
        }
        double norm = norm(g);
        if (clipNorm > 0 && norm > clipNorm) {
            for (int i = 0; i < n; i++) {
                g[i] *= clipNorm / norm;
            }
            norm = clipNorm;
        }
        double lr = rate(k);
        double[] s = new double[n];
        switch (kind) {
            case SGD -> {
                for (int i = 0; i < n; i++) {
                    s[i] = -lr * g[i];
                }
            }
            case MOMENTUM -> {
                if (m == null) {
                    m = new double[n];
                }
                for (int i = 0; i < n; i++) {
                    m[i] = beta1 * m[i] + g[i];
                    s[i] = -lr * m[i];
                }
            }
            case ADAM -> {
                if (m == null) {
                    m = new double[n];
                    v = new double[n];
                }
                for (int i = 0; i < n; i++) {
                    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                    double mh = m[i] / (1 - Math.pow(beta1, k + 1));
                    double vh = v[i] / (1 - Math.pow(beta2, k + 1));
                    s[i] = -lr * mh / (Math.sqrt(vh) + epsilon);
                }
            }
            case NORMALIZED -> {
                for (int i = 0; i < n; i++) {
                    s[i] = norm > 0 ? -lr * g[i] / norm : 0;
                }
            }
            case GAUSS_NEWTON, TWIN_GAUSS_NEWTON, CMAES, BOBYQA, NELDER_MEAD, BAYES -> throw new IllegalStateException(kind.wire() + " does not step by a gradient rule");
        }
        double[] next = u.clone();
        for (int i = 0; i < n; i++) {
            double si = Math.max(-maxStep, Math.min(maxStep, s[i]));
            next[i] = Math.max(0, Math.min(1, u[i] + si));
            stepOut[i] = next[i] - u[i];
        }
        return next;
    }

    private static double norm(double[] g) {
        double s = 0;
        for (double x : g) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** Momentum / Adam state (null when stateless or unused yet), for run state files. */
    public double[][] state() {
        return m == null ? null : new double[][] {m.clone(), v == null ? null : v.clone()};
    }

    public void restore(double[][] state) {
        if (state != null) {
            m = state[0] == null ? null : state[0].clone();
            v = state.length > 1 && state[1] != null ? state[1].clone() : null;
        }
    }
}
