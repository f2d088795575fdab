package org.tileloop.train;

import java.util.List;

/**
 * Weights and options of the decomposed loss.
 *
 * @param missingPenalty penalty per missing spike, in ns² so it is comparable with timing ({@code missing} penalty)
 * @param missing how a targeted channel without a spike counts
 * @param timingSigmaNs timing noise σ of the censored term, ns (&gt; 0)
 * @param orderPairs required orderings: channel index {@code [0]} must fire at least
 *                   {@code orderMarginNs} before channel index {@code [1]}
 * @param energyReferencePj energy that normalises to 1
 */
public record LossSettings(double timingWeight, double missingWeight, double missingPenalty, TrainingConfig.Missing missing,
                           double timingSigmaNs, double countWeight, double orderWeight, List<int[]> orderPairs, double orderMarginNs,
                           double energyReferencePj, TrainingConfig.ClassLoss classLoss, double classWeight, double temperatureNs,
                           double classMarginNs) {

    /** Settings with the flat missing penalty. */
    public LossSettings(double timingWeight, double missingWeight, double missingPenalty, double countWeight,
                        double orderWeight, List<int[]> orderPairs, double orderMarginNs,
                        double energyReferencePj, TrainingConfig.ClassLoss classLoss, double classWeight, double temperatureNs,
                        double classMarginNs) {
        this(timingWeight, missingWeight, missingPenalty, TrainingConfig.Missing.PENALTY, 0.01, countWeight, orderWeight, orderPairs,
                orderMarginNs, energyReferencePj, classLoss, classWeight, temperatureNs, classMarginNs);
    }

    public LossSettings(double timingWeight, double missingWeight, double missingPenalty, double countWeight, double orderWeight,
                        List<int[]> orderPairs, double orderMarginNs, double energyReferencePj) {
        this(timingWeight, missingWeight, missingPenalty, countWeight, orderWeight, orderPairs, orderMarginNs, energyReferencePj,
                TrainingConfig.ClassLoss.SOFTMAX, 0, 0.5, 0.2);
    }
}
