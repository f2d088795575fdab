package org.tileloop.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.tileloop.rig.StimulusResult;

/**
 * Levenberg–Marquardt on the timing residuals (first spike − target, ns): the finite-difference
 * points that give the gradient also give the residuals' Jacobian J (unit coordinates), and the
 * step solves (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr. The timing loss is a sum of squares of nearly linear
 * residuals, so this lands close to the optimum in one or two iterations where gradient steps
 * need many. Residuals missing at any point (a channel that did not fire) are left out; the step
 * is capped per component by the update rule's {@code max_step} (a trust region). The residuals
 * and the Jacobian may come from different rigs ({@link TwinGaussNewton}).
 */
public final class GaussNewton {

    /** A residual's place: a train trace and one of its channels with a target. */
    record Key(int trace, int channel) {
    }

    private final double lambda;

    public GaussNewton(double lambda) {
        this.lambda = lambda;
    }

    /**
     * @param perPoint for each of {@code fd}'s points, the train results of one repetition, trace by trace
     * @return the step in unit coordinates, or zeros when no residual is usable
     */
    public double[] step(FiniteDifference fd, List<double[]> points, List<List<StimulusResult>> perPoint, List<Trace> traces) {
        return solve(jacobian(fd, points, perPoint, traces), residuals(traces, perPoint.get(0)), points.get(0).length);
    }

    /** The residuals (first spike − target, ns) of every channel with a target that fired, in trace and channel order. */
    static Map<Key, Double> residuals(List<Trace> traces, List<StimulusResult> results) {
        Map<Key, Double> out = new LinkedHashMap<>();
        for (int t = 0; t < traces.size(); t++) {
            for (int c = 0; c < traces.get(t).targetsNs().size(); c++) {
                OptionalDouble target = traces.get(t).targetsNs().get(c);
                var first = results.get(t).channels().get(c).firstSpike();
                if (target.isPresent() && first.isPresent()) {
                    out.put(new Key(t, c), first.get().calibratedNs() - target.getAsDouble());
                }
            }
        }
        return out;
    }

    /** The Jacobian row (ns per unit coordinate) of every residual present at all of {@code fd}'s points. */
    static Map<Key, double[]> jacobian(FiniteDifference fd, List<double[]> points, List<List<StimulusResult>> perPoint, List<Trace> traces) {
        int n = points.get(0).length;
        List<Map<Key, Double>> at = perPoint.stream().map(r -> residuals(traces, r)).toList();
        Map<Key, double[]> rows = new LinkedHashMap<>();
        for (Key key : at.get(0).keySet()) {
            if (at.stream().anyMatch(m -> !m.containsKey(key))) {
                continue;
            }
            double[] row = new double[n];
            for (int i = 0; i < n; i++) {
                int[] ab = fd.pair(i);
                double span = points.get(ab[0])[i] - points.get(ab[1])[i];
                row[i] = span == 0 ? 0 : (at.get(ab[0]).get(key) - at.get(ab[1]).get(key)) / span;
            }
            rows.put(key, row);
        }
        return rows;
    }

    /**
     * The damped step from {@code rows} and the residuals {@code r} they share.
     *
     * @return the step in unit coordinates, or zeros when fewer shared residuals than parameters
     */
    double[] solve(Map<Key, double[]> rows, Map<Key, Double> r, int n) {
        List<double[]> j = new ArrayList<>();
        List<Double> r0 = new ArrayList<>();
        rows.forEach((key, row) -> {
            if (r.containsKey(key)) {
                j.add(row);
                r0.add(r.get(key));
            }
        });
        if (j.size() < n) {
            return new double[n];
        }
        RealMatrix jm = new Array2DRowRealMatrix(j.toArray(double[][]::new));
        RealVector rv = new ArrayRealVector(r0.stream().mapToDouble(Double::doubleValue).toArray());
        RealMatrix jtj = jm.transpose().multiply(jm);
        for (int i = 0; i < n; i++) {
            jtj.addToEntry(i, i, lambda * Math.max(jtj.getEntry(i, i), 1e-12));
        }
        try {
            return new QRDecomposition(jtj).getSolver().solve(jm.transpose().operate(rv).mapMultiply(-1)).toArray();
        } catch (SingularMatrixException e) {
            return new double[n];
        }
    }
}
