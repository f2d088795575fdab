package org.tileloop.train;

import java.util.List;

/**
 * Weights and options of the decomposed loss.
 *
 * @param missingPenalty penalty per missing spike, in ns² so it is comparable with timing
 * @param orderPairs required orderings: channel index {@code [0]} must fire at least
 *                   {@code orderMarginNs} before channel index {@code [1]}
 * @param energyReferencePj energy that normalises to 1
 */
public record LossSettings(double timingWeight, double missingWeight, double missingPenalty, double countWeight,
                           double orderWeight, List<int[]> orderPairs, double orderMarginNs,
                           double energyReferencePj, TrainingConfig.ClassLoss classLoss, double classWeight, double temperatureNs,
                           double classMarginNs) {

    public LossSettings(double timingWeight, double missingWeight, double missingPenalty, double countWeight, double orderWeight,
                        List<int[]> orderPairs, double orderMarginNs, double energyReferencePj) {
        this(timingWeight, missingWeight, missingPenalty, countWeight, orderWeight, orderPairs, orderMarginNs, energyReferencePj,
                TrainingConfig.ClassLoss.SOFTMAX, 0, 0.5, 0.2);
    }
}
