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
 * need many. The step is capped per component by the update rule's {@code max_step} (a trust
 * region). The residuals and the Jacobian may come from different rigs ({@link TwinGaussNewton}).
 *
 * <p>A targeted channel that did not fire at some point: with {@code missing: penalty} its
 * residual is left out. With {@code missing: censored} it stays in: where it was silent its time
 * is the window end (the earliest time the silence allows), its residual at the reported point is
 * the square root of its {@link Tobit} term (≈ window end − target), and its row is the difference
 * quotient of those times when it fired at some point; silent at every point, it borrows the row
 * of the latest channel of the same trace that fired at every point (in a feed-forward tile the
 * nearest upstream evidence of how the silent channel's drive moves), so the step pulls it
 * towards firing (README "Censored missing spikes").
 */
public final class GaussNewton {

    /** A residual's place: a train trace and one of its channels with a target. */
    record Key(int trace, int channel) {
    }

    private final double lambda;
    private final TrainingConfig.Missing missing;
    private final double sigmaNs;

    /** Gauss–Newton that leaves out channels without a spike. */
    public GaussNewton(double lambda) {
        this(lambda, TrainingConfig.Missing.PENALTY, 0.01);
    }

    /** @param sigmaNs timing noise σ of the censored residual, ns */
    public GaussNewton(double lambda, TrainingConfig.Missing missing, double sigmaNs) {
        this.lambda = lambda;
        this.missing = missing;
        this.sigmaNs = sigmaNs;
    }

    /** The Gauss–Newton of {@code config}: its damping, missing-spike rule and timing σ. */
    static GaussNewton of(TrainingConfig config) {
        return new GaussNewton(config.optimization().gnLambda(), config.loss().missing(), config.loss().timingSigmaPs() / 1000);
    }

    /**
     * @param perPoint for each of {@code fd}'s points, the train results of one repetition, trace by trace
     * @return the step in unit coordinates, or zeros when no residual is usable
     */
    public double[] step(FiniteDifference fd, List<double[]> points, List<List<StimulusResult>> perPoint, List<Trace> traces) {
        return solve(jacobian(fd, points, perPoint, traces), residuals(traces, perPoint.get(0)), points.get(0).length);
    }

    /**
     * The residual (ns) of every targeted channel, in trace and channel order: first spike − target
     * where it fired; where it did not, the censored residual ({@code missing: censored}) or none.
     */
    Map<Key, Double> residuals(List<Trace> traces, List<StimulusResult> results) {
        Map<Key, Double> out = new LinkedHashMap<>();
        for (int t = 0; t < traces.size(); t++) {
            for (int c = 0; c < traces.get(t).targetsNs().size(); c++) {
                OptionalDouble target = traces.get(t).targetsNs().get(c);
                if (target.isEmpty()) {
                    continue;
                }
                StimulusResult r = results.get(t);
                var first = r.channels().get(c).firstSpike();
                if (first.isPresent()) {
                    out.put(new Key(t, c), first.get().calibratedNs() - target.getAsDouble());
                } else if (missing == TrainingConfig.Missing.CENSORED) {
                    out.put(new Key(t, c), Tobit.residualNs(Loss.windowEndNs(r), target.getAsDouble(), sigmaNs));
                }
            }
        }
        return out;
    }

    /** The Jacobian row (ns per unit coordinate) of every targeted channel that has one at {@code fd}'s points. */
    Map<Key, double[]> jacobian(FiniteDifference fd, List<double[]> points, List<List<StimulusResult>> perPoint, List<Trace> traces) {
        Map<Key, double[]> rows = new LinkedHashMap<>();
        for (int t = 0; t < traces.size(); t++) {
            int channels = perPoint.get(0).get(t).channels().size();
            for (int c = 0; c < traces.get(t).targetsNs().size(); c++) {
                if (traces.get(t).targetsNs().get(c).isEmpty()) {
                    continue;
                }
                double[] at = times(perPoint, t, c);
                boolean fired = at != null;
                if (!fired && missing == TrainingConfig.Missing.CENSORED) {
                    at = censoredTimes(perPoint, t, c);
                }
                double[] row = at == null ? null : slopes(fd, points, at);
                if (!fired && at != null && firedNowhere(perPoint, t, c)) {
                    row = borrowedRow(fd, points, perPoint, t, channels);
                }
                if (row != null) {
                    rows.put(new Key(t, c), row);
                }
            }
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

    /** Channel {@code c}'s first spike (ns) at every point, or null when it is missing at one. */
    private static double[] times(List<List<StimulusResult>> perPoint, int t, int c) {
        double[] at = new double[perPoint.size()];
        for (int p = 0; p < at.length; p++) {
            var first = perPoint.get(p).get(t).channels().get(c).firstSpike();
            if (first.isEmpty()) {
                return null;
            }
            at[p] = first.get().calibratedNs();
        }
        return at;
    }

    /** The first spike where it fired, the window end where it did not. */
    private static double[] censoredTimes(List<List<StimulusResult>> perPoint, int t, int c) {
        double[] at = new double[perPoint.size()];
        for (int p = 0; p < at.length; p++) {
            StimulusResult r = perPoint.get(p).get(t);
            var first = r.channels().get(c).firstSpike();
            at[p] = first.isPresent() ? first.get().calibratedNs() : Loss.windowEndNs(r);
        }
        return at;
    }

    private static boolean firedNowhere(List<List<StimulusResult>> perPoint, int t, int c) {
        return perPoint.stream().noneMatch(results -> results.get(t).channels().get(c).firstSpike().isPresent());
    }

    /** The row of the channel of trace {@code t} that fired at every point and latest at the reported one; null when none did. */
    private static double[] borrowedRow(FiniteDifference fd, List<double[]> points, List<List<StimulusResult>> perPoint, int t, int channels) {
        double[] best = null;
        double latest = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < channels; c++) {
            double[] at = times(perPoint, t, c);
            if (at != null && at[0] > latest) {
                latest = at[0];
                best = at;
            }
        }
        return best == null ? null : slopes(fd, points, best);
    }

    private static double[] slopes(FiniteDifference fd, List<double[]> points, double[] at) {
        int n = points.get(0).length;
        double[] row = new double[n];
        for (int i = 0; i < n; i++) {
            int[] ab = fd.pair(i);
            double span = points.get(ab[0])[i] - points.get(ab[1])[i];
            row[i] = span == 0 ? 0 : (at[ab[0]] - at[ab[1]]) / span;
        }
        return row;
    }
}
