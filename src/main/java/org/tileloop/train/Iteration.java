package org.tileloop.train;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.tileloop.rig.StimulusResult;

/**
 * One completed iteration: the single document every consumer (run record, telemetry, progress)
 * reads. For a derivative-free optimizer an iteration is one evaluation.
 *
 * @param index the iteration number, 0 to {@code iterations}
 * @param iterations the run's last iteration number
 * @param time when the iteration's measurements came back (UTC)
 * @param measurements stimuli measured by the run so far, this iteration included
 * @param train the train loss terms at the reported point
 * @param holdout the holdout loss terms at the reported point, when evaluated this iteration
 * @param accuracyTrain fraction of labelled train traces classified right, when the task has labels
 * @param accuracyHoldout the same on the holdout traces, when evaluated and labelled
 * @param parameters per trainable parameter, in order: value at the reported point, gradient, step
 * @param driftPs the drift check's largest timing error, when one ran this iteration
 * @param calibrationId the calibration the rig applied to this iteration's times
 * @param traces the reported point's measured traces, train then holdout
 * @param next where the run continues
 * @param twin what the simulated twin said, in runs with a twin
 * @param finalRepeats on the run's last row with {@code final_repeats} set: the final point measured
 *                     again (its measurements are in {@code measurements})
 */
public record Iteration(int index, int iterations, Instant time, long measurements, LossTerms train,
                        Optional<LossTerms> holdout, OptionalDouble accuracyTrain, OptionalDouble accuracyHoldout,
                        List<ParameterUpdate> parameters, OptionalDouble driftPs, String calibrationId,
                        List<Measured> traces, Checkpoint next, Optional<TwinComparison> twin, Optional<FinalRepeats> finalRepeats) {

    public Iteration {
        parameters = List.copyOf(parameters);
        traces = List.copyOf(traces);
    }

    /** An iteration without a twin and without final repeats. */
    public Iteration(int index, int iterations, Instant time, long measurements, LossTerms train,
                     Optional<LossTerms> holdout, OptionalDouble accuracyTrain, OptionalDouble accuracyHoldout,
                     List<ParameterUpdate> parameters, OptionalDouble driftPs, String calibrationId,
                     List<Measured> traces, Checkpoint next) {
        this(index, iterations, time, measurements, train, holdout, accuracyTrain, accuracyHoldout, parameters, driftPs, calibrationId,
                traces, next, Optional.empty(), Optional.empty());
    }

    /**
     * One trainable parameter in one iteration.
     *
     * @param value the value at the reported point, in the parameter's unit
     * @param gradient d loss / d unit coordinate (0 for derivative-free optimizers)
     * @param step the change applied after this iteration, in the parameter's unit
     */
    public record ParameterUpdate(String name, double value, double gradient, double step) {
    }

    /** A trace and what the rig measured for it. */
    public record Measured(Trace trace, StimulusResult result) {
    }

    /** Whether the run has no iteration left after this one. */
    public boolean last() {
        return next.nextIteration() > iterations;
    }
}
