package org.tileloop.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.SobolSequenceGenerator;

/**
 * Noisy expected improvement on a {@link Surrogate}, maximised over the unit box, and batches of
 * it by the kriging believer. Improvement is measured against the lowest predicted objective at
 * the evaluated points (not the lowest noisy observation, which a lucky draw would set too low).
 * The search scores scrambled Sobol points in a box of half-width {@code radius} around the
 * incumbent (a trust region) and Gaussian points around the best
 * evaluated points, then refines the best few with BOBYQA on log EI (two or more dimensions; one
 * is covered densely enough by the candidates). Deterministic for a given random generator.
 */
final class Acquisition {

    private static final int GLOBAL_CANDIDATES = 1024;
    private static final int LOCAL_CANDIDATES = 512;
    private static final int LOCAL_CENTRES = 3;
    private static final int REFINED = 3;
    private static final int REFINE_EVALUATIONS = 200;

    private Acquisition() {
    }

    /**
     * {@code q} points to measure next: the first (when {@code q} > 1) minimises the predicted
     * objective, each other one maximises EI under the model with the previous points of the batch
     * added at their prediction (kriging believer).
     *
     * @param evaluated the points the model was fitted to
     */
    static List<double[]> batch(Surrogate surrogate, List<double[]> evaluated, int q, RandomGenerator rng, double radius) {
        List<double[]> out = new ArrayList<>();
        Surrogate model = surrogate;
        List<double[]> known = new ArrayList<>(evaluated);
        for (int j = 0; j < q; j++) {
            Surrogate m = model;
            double best = incumbent(m, known);
            double[] x = q > 1 && j == 0 ? maximise(m, known, p -> -m.mean(p), rng, radius)
                    : maximise(m, known, p -> m.logExpectedImprovement(p, best), rng, radius);
            out.add(x);
            if (j + 1 < q) {
                model = model.believe(x);
                known.add(x);
            }
        }
        return out;
    }

    /** The lowest prediction over {@code points} (the incumbent of noisy EI). */
    static double incumbent(Surrogate surrogate, List<double[]> points) {
        return points.stream().mapToDouble(surrogate::mean).min().orElseThrow();
    }

    private static double[] maximise(Surrogate gp, List<double[]> known, ToDoubleFunction<double[]> score, RandomGenerator rng,
                                     double radius) {
        int d = known.get(0).length;
        double[] incumbent = known.stream().min(Comparator.comparingDouble(gp::mean)).orElseThrow();
        List<double[]> candidates = new ArrayList<>();
        SobolSequenceGenerator sobol = new SobolSequenceGenerator(d);
        double[] shift = new double[d];
        for (int i = 0; i < d; i++) {
            shift[i] = rng.nextDouble();
        }
        for (int c = 0; c < GLOBAL_CANDIDATES; c++) {
            double[] s = sobol.nextVector();
            for (int i = 0; i < d; i++) {
                s[i] = clamp(incumbent[i] + (2 * ((s[i] + shift[i]) % 1.0) - 1) * radius);
            }
            candidates.add(s);
        }
        double[] lengths = gp.lengthScales();
        List<double[]> centres = known.stream().sorted(Comparator.comparingDouble(gp::mean)).limit(LOCAL_CENTRES).toList();
        for (int c = 0; c < LOCAL_CANDIDATES; c++) {
            double[] centre = centres.get(c % centres.size());
            double scale = c % 2 == 0 ? 0.1 : 0.3;
            double[] p = new double[d];
            for (int i = 0; i < d; i++) {
                p[i] = clamp(centre[i] + rng.nextGaussian() * scale * Math.min(lengths[i], 1));
            }
            candidates.add(p);
        }
        double[] scores = candidates.stream().mapToDouble(score).toArray();
        Integer[] order = new Integer[candidates.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
        double[] winner = candidates.get(order[0]);
        double winnerScore = scores[order[0]];
        for (int r = 0; d >= 2 && r < Math.min(REFINED, order.length); r++) {
            double[] start = candidates.get(order[r]);
            double[][] seen = {start};
            double[] seenV = {scores[order[r]]};
            ObjectiveFunction f = new ObjectiveFunction(u -> {
                double[] x = u.clone();
                for (int i = 0; i < d; i++) {
                    x[i] = clamp(x[i]);
                }
                double v = score.applyAsDouble(x);
                if (v > seenV[0]) {
                    seenV[0] = v;
                    seen[0] = x;
                }
                return v;
            });
            double[] lo = new double[d];
            double[] hi = new double[d];
            Arrays.fill(hi, 1);
            try {
                new BOBYQAOptimizer(2 * d + 1, 0.05, 1e-5).optimize(new MaxEval(REFINE_EVALUATIONS), f, GoalType.MAXIMIZE,
                        new InitialGuess(start.clone()), new SimpleBounds(lo, hi));
            } catch (TooManyEvaluationsException spent) {
                // the best point seen stands
            }
            if (seenV[0] > winnerScore) {
                winnerScore = seenV[0];
                winner = seen[0];
            }
        }
        return winner.clone();
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
