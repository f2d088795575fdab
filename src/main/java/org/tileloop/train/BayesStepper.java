package org.tileloop.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.StimulusResult;

/**
 * Bayesian optimisation ({@code optimizer: bayes}): a {@link Surrogate} over the unit box, and
 * rounds of points chosen by noisy expected improvement ({@link Acquisition}). One iteration is
 * one round, measured as one batch: round 0 is the start point plus a scrambled Sobol design
 * ({@code bayes_initial} points in all), every later round {@code bayes_batch} points. The
 * reported point of a round (its iteration row) is its first point: the start point in round 0,
 * then the point of lowest predicted loss. After each round the checkpoint's point is the
 * recommendation: the evaluated point of lowest predicted loss (a noisy loss that was lucky once
 * does not win); the final row measures it with the holdout.
 *
 * <p>What is modelled ({@link Model}): where the loss is made of timing residuals (timing and
 * order terms on targeted channels, besides the missing term) and there is no warm start, the
 * timing residuals of each train trace's targeted channels ({@link ResidualSurrogate});
 * otherwise log(loss) ({@link LossSurrogate}).
 *
 * <p>The surrogate's data (warm-start evaluations, then every evaluated point, its train loss
 * and, for the residual model, its residuals from the first repeat) are the optimizer state
 * saved in the checkpoint; everything else (hyperparameters, the candidate points, seeded by
 * seed and round) is recomputed from them, so a resumed run continues exactly. Used on the
 * training thread only.
 */
final class BayesStepper implements Stepper {

    /** What the surrogate models. */
    enum Model {
        /** the timing residuals of every targeted train channel, and the loss from them */
        RESIDUALS,
        /** log(train loss) */
        LOSS
    }

    /** Most points (warm start included) the surrogate is fitted to: the fit is cubic in them. */
    static final int MAX_POINTS = 400;

    private final TrainingConfig config;
    private final int dim;
    private final int warm;
    private final Optional<BayesResiduals> residualModel;
    private final List<double[]> points = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();
    private final List<double[]> residuals = new ArrayList<>();
    private Surrogate model;

    private BayesStepper(TrainingConfig config, TrainingTask task, int warm) {
        this.config = config;
        this.dim = task.space().dimension();
        this.warm = warm;
        this.residualModel = BayesResiduals.of(config, task);
    }

    /** The model {@code config} trains with on {@code task}. */
    static Model model(TrainingConfig config, TrainingTask task) {
        return BayesResiduals.of(config, task).isPresent() ? Model.RESIDUALS : Model.LOSS;
    }

    /**
     * The stepper a run continues with from {@code from}: a new run starts with the config's
     * warm-start evaluations; a resumed one with the saved state, whose recommendation must be the
     * checkpoint's point.
     */
    static BayesStepper open(TrainingConfig config, TrainingTask task, Checkpoint from) {
        ParameterSpace space = task.space();
        int dim = space.dimension();
        if (from.nextIteration() == 0) {
            if (config.asMap().get("warm_start") != null && config.bayes().warmStart().isEmpty()) {
                throw new RigConfigurationException("warm_start: " + config.asMap().get("warm_start") + ": the earlier run's evaluations"
                        + " are read when the config is loaded from its file; start this run again from its config file");
            }
            List<double[]> wp = new ArrayList<>();
            List<Double> wl = new ArrayList<>();
            config.bayes().warmStart().ifPresent(w -> {
                for (int r = 0; r < w.points().size(); r++) {
                    double[] u = new double[dim];
                    for (int i = 0; i < dim; i++) {
                        ParameterSpec p = space.trainable().get(i);
                        u[i] = Math.max(0, Math.min(1, (w.points().get(r).get(p.name()) - p.min()) / p.range()));
                    }
                    wp.add(u);
                    wl.add(w.lossesNs2().get(r));
                }
            });
            BayesStepper s = new BayesStepper(config, task, wp.size());
            s.points.addAll(wp);
            s.losses.addAll(wl);
            return s;
        }
        BayesStepper s = restore(config, task, from.optimizerState());
        if (from.nextIteration() <= config.iterations() && !Arrays.equals(s.recommendation(), from.unit())) {
            throw new RigConfigurationException("saved state: bayes does not recommend the saved point from its saved evaluations"
                    + " (a different tileloop version?); this run cannot be resumed: start a new run");
        }
        return s;
    }

    @Override
    public Plan plan(int k, double[] u, boolean last) {
        if (last) {
            return new Plan(List.of(recommendation()), true, Optional.of("bayes finished: " + (points.size() - warm) + " evaluations in "
                    + config.iterations() + " rounds" + (warm > 0 ? " (and " + warm + " from warm_start)" : "")
                    + residualModel.map(r -> ", " + r.size() + " timing residuals modelled").orElse(", log(loss) modelled")
                    + "; the final row measures the recommendation, the evaluated point of lowest predicted loss"));
        }
        RandomGenerator rng = new MersenneTwister(new int[] {(int) config.schedule().seed(), (int) (config.schedule().seed() >>> 32), k});
        if (k == 0) {
            List<double[]> round = new ArrayList<>(List.of(u.clone()));
            round.addAll(design(initialPoints() - 1, rng, u, radius()));
            return new Plan(round, false, Optional.empty());
        }
        return new Plan(Acquisition.batch(model(), points, config.bayes().batch(), rng, radius()), false, Optional.empty());
    }

    @Override
    public int repeats(Plan plan) {
        return plan.finalRow() ? 1 : config.estimation().repeats();
    }

    @Override
    public Move move(int k, double[] u, Plan plan, double[] roundLosses, List<List<StimulusResult>> perPoint) {
        if (!plan.finalRow()) {
            for (int i = 0; i < roundLosses.length; i++) {
                points.add(plan.points().get(i).clone());
                losses.add(roundLosses[i]);
                List<StimulusResult> results = perPoint.get(i);
                residualModel.ifPresent(r -> residuals.add(r.of(results)));
            }
            model = null;
        }
        double[] rec = recommendation();
        return new Move(rec, new double[dim], new double[dim]);
    }

    /**
     * [warm, n, n losses, n points, n residual vectors (residual model)], {@code dim} numbers per
     * row, the last row padded with 0.
     */
    @Override
    public double[][] state() {
        int n = points.size();
        int m = residualModel.map(BayesResiduals::size).orElse(0);
        double[] flat = new double[2 + n + n * dim + n * m];
        flat[0] = warm;
        flat[1] = n;
        for (int i = 0; i < n; i++) {
            flat[2 + i] = losses.get(i);
            System.arraycopy(points.get(i), 0, flat, 2 + n + i * dim, dim);
            if (m > 0) {
                System.arraycopy(residuals.get(i), 0, flat, 2 + n + n * dim + i * m, m);
            }
        }
        double[][] rows = new double[(flat.length + dim - 1) / dim][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * dim, r * dim + dim);
        }
        return rows;
    }

    @Override
    public boolean earlyStops() {
        return false;
    }

    @Override
    public void close() {
    }

    /** Points of round 0, the start point included. */
    int initialPoints() {
        return config.bayes().initial().orElse(warm > 0 ? 1 : 2 * dim + 1);
    }

    /** Every point the surrogate knows (warm start first), unit coordinates. */
    List<double[]> points() {
        return points.stream().map(double[]::clone).toList();
    }

    /** The evaluated point of lowest predicted loss; the start of round 0 before any evaluation. */
    double[] recommendation() {
        Surrogate gp = model();
        double[] best = points.get(0);
        double bestMean = Double.POSITIVE_INFINITY;
        for (double[] p : points) {
            double m = gp.mean(p);
            if (m < bestMean) {
                bestMean = m;
                best = p;
            }
        }
        return best.clone();
    }

    private Surrogate model() {
        if (model == null) {
            double[][] x = points.toArray(double[][]::new);
            if (residualModel.isEmpty()) {
                model = LossSurrogate.fit(x, losses.stream().mapToDouble(Double::doubleValue).toArray());
            } else {
                int m = residualModel.get().size();
                double[][] y = new double[m][points.size()];
                for (int i = 0; i < points.size(); i++) {
                    for (int j = 0; j < m; j++) {
                        y[j][i] = residuals.get(i)[j];
                    }
                }
                model = ResidualSurrogate.fit(x, y, residualModel.get().composite());
            }
        }
        return model;
    }

    /**
     * The trust radius ({@code dfo_step}, unit coordinates): round 0's design stays within it of the
     * start, every later search within it of the incumbent (lowest posterior mean), per coordinate.
     */
    private double radius() {
        return config.optimization().dfoStep();
    }

    /** {@code m} points of the Sobol sequence shifted by a seeded random offset (mod 1), mapped into the box of half-width {@code r} around {@code centre}. */
    private List<double[]> design(int m, RandomGenerator rng, double[] centre, double r) {
        SobolSequenceGenerator sobol = new SobolSequenceGenerator(dim);
        double[] shift = new double[dim];
        for (int i = 0; i < dim; i++) {
            shift[i] = rng.nextDouble();
        }
        List<double[]> out = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            double[] s = sobol.nextVector();
            for (int i = 0; i < dim; i++) {
                s[i] = Math.max(0, Math.min(1, centre[i] + (2 * ((s[i] + shift[i]) % 1.0) - 1) * r));
            }
            out.add(s);
        }
        return out;
    }

    private static BayesStepper restore(TrainingConfig config, TrainingTask task, double[][] state) {
        int dim = task.space().dimension();
        double[] flat = state == null ? new double[0] : Arrays.stream(state).flatMapToDouble(Arrays::stream).toArray();
        int warm = flat.length >= 2 ? (int) flat[0] : -1;
        int n = flat.length >= 2 ? (int) flat[1] : -1;
        int m = BayesResiduals.of(config, task).map(BayesResiduals::size).orElse(0);
        if (warm < 0 || n < Math.max(1, warm) || flat.length < 2 + n + (long) n * dim + (long) n * m || flat[0] != warm || flat[1] != n) {
            throw new RigConfigurationException("saved state: the bayes optimizer state (its evaluations) is missing or damaged;"
                    + " this run cannot be resumed: start a new run");
        }
        BayesStepper s = new BayesStepper(config, task, warm);
        for (int i = 0; i < n; i++) {
            double[] p = Arrays.copyOfRange(flat, 2 + n + i * dim, 2 + n + i * dim + dim);
            double[] r = Arrays.copyOfRange(flat, 2 + n + n * dim + i * m, 2 + n + n * dim + i * m + m);
            if (Arrays.stream(r).anyMatch(v -> !Double.isFinite(v))) {
                throw new RigConfigurationException("saved state: bayes evaluation " + i + " has a residual that is not a number;"
                        + " this run cannot be resumed: start a new run");
            }
            if (m > 0) {
                s.residuals.add(r);
            }
            if (flat[2 + i] < 0 || Arrays.stream(p).anyMatch(v -> !(v >= 0 && v <= 1))) {
                throw new RigConfigurationException("saved state: bayes evaluation " + i + " is out of range; this run cannot be resumed:"
                        + " start a new run");
            }
            s.points.add(p);
            s.losses.add(flat[2 + i]);
        }
        return s;
    }
}
