package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.tileloop.rig.StimulusResult;

/**
 * Twin-assisted Gauss–Newton: the rig measures only the current point; the residuals' Jacobian
 * comes from the simulated twin at the same parameter vector ({@link TwinModel}, forward
 * differences), and the Levenberg–Marquardt step solves with the rig's residuals. Every
 * {@code twin_refresh} iterations, or after an iteration whose measured change of the timing loss
 * fell short of the predicted change by more than {@code twin_disagreement} of the prediction, the rig
 * measures its own forward-difference Jacobian instead and the step uses it; the cosine between
 * the two Jacobians is reported. The iteration that finds such a shortfall does not step: the
 * twin's slopes are not trusted there. A shortfall under 2σ² ({@code timing_sigma_ps}) is timing
 * noise, not disagreement (the loss change of m residuals at the noise floor varies by about 2σ²/√m). Forward on hardware, slopes from a model: the physics-aware
 * training scheme (Wright et al., Nature 601, 549–555, 2022).
 */
final class TwinGaussNewton implements Stepper {

    private final TrainingConfig config;
    private final List<Trace> train;
    private final TwinModel twin;
    private final FiniteDifference fd;
    private final GaussNewton gn;
    private final int dimension;
    /** The timing loss measured at the last step's start and predicted after it (NaN: none; saved as −1), and whether a rig Jacobian is due. */
    private double lastMeasuredNs2 = Double.NaN;
    private double predictedNs2 = Double.NaN;
    private boolean refreshDue;

    TwinGaussNewton(TrainingConfig config, List<Trace> train, int dimension, TwinModel twin, double[][] savedState) {
        this.config = config;
        this.train = train;
        this.twin = twin;
        this.fd = new FiniteDifference(FiniteDifference.Scheme.FORWARD, config.estimation().fdStep());
        this.gn = GaussNewton.of(config);
        this.dimension = dimension;
        if (savedState != null && savedState.length == 3 && savedState[0].length > 0) {
            lastMeasuredNs2 = savedState[0][0] < 0 ? Double.NaN : savedState[0][0];
            predictedNs2 = savedState[1][0] < 0 ? Double.NaN : savedState[1][0];
            refreshDue = savedState[2][0] != 0;
        }
    }

    @Override
    public Plan plan(int k, double[] u, boolean last) {
        if (last) {
            return new Plan(List.of(u.clone()), true, Optional.empty());
        }
        int every = config.twin().refresh();
        boolean rigJacobian = refreshDue || (every > 0 && k > 0 && k % every == 0);
        return new Plan(rigJacobian ? fd.points(u) : List.of(u.clone()), false, Optional.empty());
    }

    @Override
    public int repeats(Plan plan) {
        return plan.finalRow() ? 1 : config.estimation().repeats();
    }

    @Override
    public Move move(int k, double[] u, Plan plan, double[] losses, List<List<StimulusResult>> perPoint) {
        int n = u.length;
        if (plan.finalRow()) {
            return new Move(u.clone(), new double[n], new double[n]);
        }
        Map<GaussNewton.Key, Double> r = gn.residuals(train, perPoint.get(0));
        double measured = meanSquare(r.values().stream().mapToDouble(Double::doubleValue).toArray());
        if (r.isEmpty()) {
            refreshDue = true;
        } else if (!Double.isNaN(predictedNs2)) {
            double predictedChange = predictedNs2 - lastMeasuredNs2;
            double measuredChange = measured - lastMeasuredNs2;
            double sigmaNs = config.loss().timingSigmaPs() / 1000;
            refreshDue = measuredChange - predictedChange > Math.max(config.twin().disagreement() * Math.abs(predictedChange), 2 * sigmaNs * sigmaNs);
        }
        boolean rigMeasured = plan.points().size() > 1;
        if (refreshDue && !rigMeasured) {
            lastMeasuredNs2 = measured;
            predictedNs2 = Double.NaN;
            return new Move(u.clone(), new double[n], new double[n], false,
                    Optional.of(new Move.JacobianNote(TwinComparison.JacobianSource.TWIN, OptionalDouble.empty())));
        }
        TwinModel.Sample sample = twin.at(u, true);
        Map<GaussNewton.Key, double[]> twinRows = gn.jacobian(sample.fd(), sample.points(), sample.perPoint(), train);
        Map<GaussNewton.Key, double[]> rows = twinRows;
        OptionalDouble agreement = OptionalDouble.empty();
        double[] grad;
        if (rigMeasured) {
            rows = gn.jacobian(fd, plan.points(), perPoint, train);
            agreement = agreement(twinRows, rows);
            grad = fd.gradient(plan.points(), losses);
            refreshDue = false;
        } else {
            grad = timingGradient(rows, r, n);
        }
        double[] delta = gn.solve(rows, r, n);
        double[] next = u.clone();
        double[] step = new double[n];
        double cap = config.optimization().maxStep();
        for (int i = 0; i < n; i++) {
            next[i] = Math.max(0, Math.min(1, u[i] + Math.max(-cap, Math.min(cap, delta[i]))));
            step[i] = next[i] - u[i];
        }
        List<Double> after = new ArrayList<>();
        rows.forEach((key, row) -> {
            if (r.containsKey(key)) {
                double v = r.get(key);
                for (int i = 0; i < n; i++) {
                    v += row[i] * step[i];
                }
                after.add(v);
            }
        });
        lastMeasuredNs2 = measured;
        predictedNs2 = after.isEmpty() ? Double.NaN : meanSquare(after.stream().mapToDouble(Double::doubleValue).toArray());
        return new Move(next, grad, step, rigMeasured,
                Optional.of(new Move.JacobianNote(rigMeasured ? TwinComparison.JacobianSource.RIG : TwinComparison.JacobianSource.TWIN, agreement)));
    }

    /** d(mean r²)/du from a Jacobian and the residuals it shares. */
    private static double[] timingGradient(Map<GaussNewton.Key, double[]> rows, Map<GaussNewton.Key, Double> r, int n) {
        double[] g = new double[n];
        int m = 0;
        for (var e : rows.entrySet()) {
            Double ri = r.get(e.getKey());
            if (ri != null) {
                m++;
                for (int i = 0; i < n; i++) {
                    g[i] += 2 * ri * e.getValue()[i];
                }
            }
        }
        for (int i = 0; i < n && m > 0; i++) {
            g[i] /= m;
        }
        return g;
    }

    /** Cosine between the twin's and the rig's Jacobians over the rows both have. */
    private static OptionalDouble agreement(Map<GaussNewton.Key, double[]> twinRows, Map<GaussNewton.Key, double[]> rigRows) {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        rigRows.forEach((key, row) -> {
            double[] t = twinRows.get(key);
            if (t != null) {
                for (int i = 0; i < row.length; i++) {
                    a.add(t[i]);
                    b.add(row[i]);
                }
            }
        });
        return TwinModel.cosine(a.stream().mapToDouble(Double::doubleValue).toArray(), b.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double meanSquare(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** Three rows, each one value repeated per coordinate (the saved state's shape): last measured, predicted, refresh due. */
    @Override
    public double[][] state() {
        int n = dimension;
        return new double[][] {filled(n, Double.isNaN(lastMeasuredNs2) ? -1 : lastMeasuredNs2), filled(n, Double.isNaN(predictedNs2) ? -1 : predictedNs2),
            filled(n, refreshDue ? 1 : 0)};
    }

    private static double[] filled(int n, double v) {
        double[] row = new double[n];
        java.util.Arrays.fill(row, v);
        return row;
    }

    @Override
    public boolean earlyStops() {
        return true;
    }

    @Override
    public void close() {
    }
}
