package org.tileloop.train;

import java.util.Optional;

/**
 * What the trainer needs to continue after an iteration: everything else of a run is fixed by
 * its config and targets.
 *
 * @param nextIteration the iteration to run next ({@code iterations + 1} when the run is finished)
 * @param unit the trainable parameters in unit coordinates at {@code nextIteration}; for a
 *             derivative-free optimizer, the best point evaluated so far
 * @param measurements stimuli measured so far, including the anchor measurement
 * @param energyReferencePj the energy normaliser (0 until the first measurement fixes it)
 * @param optimizerState momentum / Adam moments after the last update (null: none)
 * @param bestLoss the best watched loss so far ({@code early_stop_split}; used by early stopping,
 *                 which derivative-free optimizers do not use)
 * @param sinceBest iterations since {@code bestLoss} improved
 * @param stopReason why the run ended before its last iteration, when it did
 */
public record Checkpoint(int nextIteration, double[] unit, long measurements, double energyReferencePj,
                         double[][] optimizerState, double bestLoss, int sinceBest, Optional<String> stopReason) {

    public Checkpoint {
        unit = unit.clone();
    }

    /** The state before iteration 0 at {@code unit}, after {@code measurements} anchor measurements. */
    public static Checkpoint start(double[] unit, long measurements, double energyReferencePj) {
        return new Checkpoint(0, unit, measurements, energyReferencePj, null, Double.MAX_VALUE, 0, Optional.empty());
    }

    @Override
    public double[] unit() {
        return unit.clone();
    }
}
