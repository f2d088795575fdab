package org.tileloop.train;

import java.util.List;
import java.util.Optional;
import org.tileloop.rig.StimulusResult;

/**
 * How the trainer picks the points of an iteration and where it goes next: a gradient method
 * ({@link GradientStepper}) or a derivative-free optimizer ({@link DerivativeFree}). Used on the
 * training thread only.
 */
interface Stepper extends AutoCloseable {

    /**
     * The points to measure in iteration {@code k} from the checkpoint's point {@code u}; the
     * first is the reported point.
     */
    Plan plan(int k, double[] u, boolean last);

    /**
     * The move after measuring {@code plan}: {@code losses} holds the train loss at each point,
     * {@code perPoint} each point's train results (first repeat).
     */
    Move move(int k, double[] u, Plan plan, double[] losses, List<List<StimulusResult>> perPoint);

    /** Measurements of each point (repeats) in iteration {@code k}. */
    int repeats(Plan plan);

    /** Optimizer state to save (null: none). */
    double[][] state();

    /** Whether {@code patience} may end the run early. */
    boolean earlyStops();

    @Override
    void close();

    /**
     * @param finalRow this is the run's final row: no move follows
     * @param reason why the run ends here before its last iteration, when it does
     */
    record Plan(List<double[]> points, boolean finalRow, Optional<String> reason) {
    }

    /**
     * @param stepUnit the change of each coordinate, unit coordinates
     * @param gradientMeasured whether {@code gradient} comes from the rig's own measurements (not a model, not zero)
     * @param jacobian where a Gauss–Newton step's Jacobian came from, when a twin was involved
     */
    record Move(double[] next, double[] gradient, double[] stepUnit, boolean gradientMeasured, Optional<JacobianNote> jacobian) {

        /** A move whose gradient is measured on the rig (zero gradients count as not measured). */
        Move(double[] next, double[] gradient, double[] stepUnit) {
            this(next, gradient, stepUnit, java.util.Arrays.stream(gradient).anyMatch(g -> g != 0), Optional.empty());
        }

        /** @param cosine the rig Jacobian's cosine with the twin's, when both were measured */
        record JacobianNote(TwinComparison.JacobianSource source, java.util.OptionalDouble cosine) {
        }
    }
}
