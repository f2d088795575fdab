package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;
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
 * is capped per component by the update rule's {@code max_step} (a trust region).
 */
public final class GaussNewton {

    private final double lambda;

    public GaussNewton(double lambda) {
        this.lambda = lambda;
    }

    /**
     * @param perPoint for each of {@code fd}'s points, the train results of one repetition, trace by trace
     * @return the step in unit coordinates, or zeros when no residual is usable
     */
    public double[] step(FiniteDifference fd, List<double[]> points, List<List<StimulusResult>> perPoint, List<Trace> traces) {
        int n = points.get(0).length;
        List<double[]> rows = new ArrayList<>();
        List<Double> r0 = new ArrayList<>();
        for (int t = 0; t < traces.size(); t++) {
            for (int c = 0; c < traces.get(t).targetsNs().size(); c++) {
                OptionalDouble target = traces.get(t).targetsNs().get(c);
                if (target.isEmpty()) {
                    continue;
                }
                double[] at = new double[points.size()];
                boolean all = true;
                for (int p = 0; p < points.size(); p++) {
                    var first = perPoint.get(p).get(t).channels().get(c).firstSpike();
                    if (first.isEmpty()) {
                        all = false;
                        break;
                    }
                    at[p] = first.get().calibratedNs() - target.getAsDouble();
                }
                if (!all) {
                    continue;
                }
                double[] row = new double[n];
                for (int i = 0; i < n; i++) {
                    int[] ab = fd.pair(i);
                    double span = points.get(ab[0])[i] - points.get(ab[1])[i];
                    row[i] = span == 0 ? 0 : (at[ab[0]] - at[ab[1]]) / span;
                }
                rows.add(row);
                r0.add(at[0]);
            }
        }
        if (rows.size() < n) {
            return new double[n];
        }
        RealMatrix j = new Array2DRowRealMatrix(rows.toArray(double[][]::new));
        RealVector r = new ArrayRealVector(r0.stream().mapToDouble(Double::doubleValue).toArray());
        RealMatrix jtj = j.transpose().multiply(j);
        for (int i = 0; i < n; i++) {
            jtj.addToEntry(i, i, lambda * Math.max(jtj.getEntry(i, i), 1e-12));
        }
        try {
            return new QRDecomposition(jtj).getSolver().solve(j.transpose().operate(r).mapMultiply(-1)).toArray();
        } catch (SingularMatrixException e) {
            return new double[n];
        }
    }
}
