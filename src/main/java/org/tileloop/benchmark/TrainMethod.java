package org.tileloop.benchmark;

import java.util.List;
import java.util.function.Consumer;
import org.tileloop.train.TrainingConfigBuilder;

/**
 * A training method {@code bench train} compares: a name and the training-config keys it sets;
 * twin methods run only when a twin is given.
 */
public record TrainMethod(String name, Consumer<TrainingConfigBuilder> setup, boolean usesTwin) {

    TrainMethod(String name, Consumer<TrainingConfigBuilder> setup) {
        this(name, setup, false);
    }

    /** Every method sets all of its keys, whatever the config file says; forward-gauss-newton is the shipped default. */
    public static List<TrainMethod> all() {
        return List.of(
                new TrainMethod("fd-central", c -> {
                    c.estimator = "central";
                    c.optimizer = "normalized";
                    c.maxStep = 0.08;
                }),
                new TrainMethod("fd-gauss-newton", c -> {
                    c.estimator = "central";
                    c.optimizer = "gauss_newton";
                    c.maxStep = 0.3;
                }),
                new TrainMethod("forward-gauss-newton", c -> {
                    c.estimator = "forward";
                    c.optimizer = "gauss_newton";
                    c.maxStep = 0.5;
                }),
                new TrainMethod("twin-gauss-newton", c -> {
                    c.estimator = "forward";
                    c.optimizer = "twin_gauss_newton";
                    c.maxStep = 0.5;
                    c.twinRefresh = 5;
                    c.evalEvery = 10;
                }, true),
                new TrainMethod("bobyqa", c -> dfo(c, "bobyqa")),
                new TrainMethod("cmaes", c -> dfo(c, "cmaes")),
                new TrainMethod("nelder-mead", c -> dfo(c, "nelder_mead")),
                new TrainMethod("bayes", c -> {
                    c.optimizer = "bayes";
                    c.bayesBatch = 3;
                    c.bayesInitial = null;
                    c.dfoStep = 0.15;
                    c.warmStart = null;
                    c.evalEvery = 10;
                }),
                new TrainMethod("spsa-normalized", c -> {
                    c.estimator = "spsa";
                    c.spsaC = 0.05;
                    c.optimizer = "normalized";
                    c.maxStep = 0.08;
                }),
                new TrainMethod("spsa-momentum", c -> {
                    c.estimator = "spsa";
                    c.spsaC = 0.05;
                    c.optimizer = "momentum";
                    c.beta1 = 0.5;
                    c.stepSize = 0.6;
                    c.lrSchedule = "spall";
                    c.maxStep = 0.08;
                }),
                new TrainMethod("spsa-adam", c -> {
                    c.estimator = "spsa";
                    c.spsaC = 0.05;
                    c.optimizer = "adam";
                    c.stepSize = 0.05;
                    c.lrSchedule = "exponential";
                    c.stepDecay = 0.97;
                    c.maxStep = 0.08;
                }));
    }

    /** Derivative-free: every evaluation measures the train traces once (the holdout every 10th). */
    private static void dfo(TrainingConfigBuilder c, String optimizer) {
        c.optimizer = optimizer;
        c.dfoStep = 0.15;
        c.evalEvery = 10;
    }
}
