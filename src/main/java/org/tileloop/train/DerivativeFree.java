package org.tileloop.train;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.OptimizationData;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.MultivariateOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.CMAESOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.random.MersenneTwister;
import org.tileloop.rig.StimulusResult;

/**
 * CMA-ES, BOBYQA or Nelder–Mead (Apache Commons Math) on the train loss in unit coordinates,
 * turned into ask/tell: the optimizer runs on its own thread and hands each point it wants
 * evaluated to the training thread, which measures it like any iteration. One iteration is one
 * evaluation; {@code iterations} is the budget; the final row measures the best point with the
 * holdout. A resumed run replays the recorded losses into a fresh optimizer (same seed, same
 * points, no measurement) and continues where it stopped.
 */
final class DerivativeFree implements Stepper {

    private static final double[] FINISHED = new double[0];
    private static final double[] FAILED = new double[0];

    private final TrainingConfig config;
    private final double[] start;
    private final SynchronousQueue<double[]> asked = new SynchronousQueue<>();
    private final SynchronousQueue<Double> told = new SynchronousQueue<>();
    private Thread thread;
    private boolean finished;
    private volatile RuntimeException failure;
    private int evaluations;
    private double[] best;
    private double bestLoss = Double.MAX_VALUE;

    DerivativeFree(TrainingConfig config, double[] startUnit) {
        this.config = config;
        this.start = startUnit.clone();
        this.best = startUnit.clone();
    }

    /**
     * Feeds the train losses of a resumed run's evaluations back in order; returns the best point
     * they give, which must be the run's saved point.
     */
    double[] replay(List<Double> losses) {
        for (double loss : losses) {
            double[] x = ask();
            if (x == null) {
                break;
            }
            tell(x, loss);
        }
        return best.clone();
    }

    @Override
    public Plan plan(int k, double[] u, boolean last) {
        if (last) {
            return new Plan(List.of(best.clone()), true, Optional.of(config.optimization().optimizer().wire() + " finished: " + evaluations
                    + " evaluations (budget " + config.iterations() + "); the final row is the best point"));
        }
        double[] x = ask();
        if (x == null) {
            return new Plan(List.of(best.clone()), true, Optional.of(config.optimization().optimizer().wire() + " converged after " + evaluations
                    + " evaluations (budget " + config.iterations() + "); the final row is the best point"));
        }
        return new Plan(List.of(x), false, Optional.empty());
    }

    @Override
    public int repeats(Plan plan) {
        return 1;
    }

    @Override
    public Move move(int k, double[] u, Plan plan, double[] losses, List<List<StimulusResult>> perPoint) {
        if (!plan.finalRow()) {
            tell(plan.points().get(0), losses[0]);
        }
        return new Move(best.clone(), new double[u.length], new double[u.length]);
    }

    @Override
    public double[][] state() {
        return null;
    }

    @Override
    public boolean earlyStops() {
        return false;
    }

    @Override
    public void close() {
        if (thread != null && thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private double[] ask() {
        if (finished) {
            return null;
        }
        if (thread == null) {
            thread = new Thread(this::optimize, "tileloop-" + config.optimization().optimizer().wire());
            thread.setDaemon(true);
            thread.start();
        }
        double[] x = take(asked);
        if (x == FAILED) {
            finished = true;
            throw new org.tileloop.rig.RigConfigurationException(config.optimization().optimizer().wire() + " failed: "
                    + org.tileloop.input.StrictInput.oneLine(String.valueOf(failure.getMessage())), failure);
        }
        finished = x == FINISHED;
        return finished ? null : x;
    }

    private void tell(double[] x, double loss) {
        evaluations++;
        if (loss < bestLoss) {
            bestLoss = loss;
            best = x.clone();
        }
        try {
            told.put(loss);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing a loss to " + config.optimization().optimizer().wire(), e);
        }
    }

    private static <T> T take(SynchronousQueue<T> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the derivative-free optimizer", e);
        }
    }

    /** The optimizer thread: each objective call hands its point over and waits for the loss. */
    private void optimize() {
        int dim = start.length;
        ObjectiveFunction objective = new ObjectiveFunction(u -> {
            double[] x = u.clone();
            for (int i = 0; i < dim; i++) {
                x[i] = Math.max(0, Math.min(1, x[i]));
            }
            try {
                asked.put(x);
                return told.take();
            } catch (InterruptedException e) {
                throw new Abandoned();
            }
        });
        try {
            optimizer(dim).optimize(data(dim, objective));
        } catch (TooManyEvaluationsException spent) {
            // the budget is spent: the best point so far stands
        } catch (Abandoned e) {
            return;
        } catch (RuntimeException e) {
            failure = e;
            end(FAILED);
            return;
        }
        end(FINISHED);
    }

    /** Hands the training thread the optimizer's last word: finished or failed. */
    private void end(double[] sentinel) {
        try {
            asked.put(sentinel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private MultivariateOptimizer optimizer(int dim) {
        return switch (config.optimization().optimizer()) {
            case BOBYQA -> new BOBYQAOptimizer(2 * dim + 1, config.optimization().dfoStep(), 1e-4);
            case CMAES -> new CMAESOptimizer(config.iterations(), 0, true, 0, 0, new MersenneTwister(config.schedule().seed()), false, null);
            case NELDER_MEAD -> new SimplexOptimizer(1e-6, 1e-9);
            case NORMALIZED, SGD, MOMENTUM, ADAM, GAUSS_NEWTON, TWIN_GAUSS_NEWTON, BAYES -> throw new IllegalArgumentException("not a Commons Math optimizer: "
                    + config.optimization().optimizer().wire());
        };
    }

    private OptimizationData[] data(int dim, ObjectiveFunction objective) {
        double[] lower = new double[dim];
        double[] upper = new double[dim];
        Arrays.fill(upper, 1);
        double[] sigma = new double[dim];
        Arrays.fill(sigma, config.optimization().dfoStep());
        MaxEval budget = new MaxEval(Math.max(1, config.iterations()));
        InitialGuess guess = new InitialGuess(start.clone());
        return switch (config.optimization().optimizer()) {
            case CMAES -> new OptimizationData[] {budget, objective, GoalType.MINIMIZE, guess, new SimpleBounds(lower, upper),
                new CMAESOptimizer.Sigma(sigma), new CMAESOptimizer.PopulationSize(4 + (int) (3 * Math.log(dim)))};
            case BOBYQA -> new OptimizationData[] {budget, objective, GoalType.MINIMIZE, guess, new SimpleBounds(lower, upper)};
            case NELDER_MEAD -> new OptimizationData[] {budget, objective, GoalType.MINIMIZE, guess,
                new NelderMeadSimplex(dim, config.optimization().dfoStep())};
            case NORMALIZED, SGD, MOMENTUM, ADAM, GAUSS_NEWTON, TWIN_GAUSS_NEWTON, BAYES -> throw new IllegalArgumentException("not a Commons Math optimizer: "
                    + config.optimization().optimizer().wire());
        };
    }

    /** Unwinds the optimizer thread when the run stops before the optimizer does. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super(null, null, false, false);
        }
    }
}
