package org.tileloop.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.tileloop.rig.StimulusResult;
import org.tileloop.run.RunStop;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.RunTelemetry;
import org.tileloop.train.Iteration;
import org.tileloop.train.Trace;
import org.tileloop.train.Trainer;

/**
 * Today's {@link TrainingRun.Listener} in front of {@link RunTelemetry}. It goes once
 * {@code TrainingRun} calls a {@link org.tileloop.run.RunListener}: the daemon then hands it
 * the {@code RunTelemetry} itself, with {@code stopOf} applied to the stop.
 */
final class RunTelemetryBridge implements TrainingRun.Listener {

    private final RunTelemetry telemetry;
    private final Function<ObjectNode, RunStop> stopOf;

    /** @param stopOf how the run ended, from its final manifest */
    RunTelemetryBridge(RunTelemetry telemetry, Function<ObjectNode, RunStop> stopOf) {
        this.telemetry = telemetry;
        this.stopOf = stopOf;
    }

    @Override
    public void started(ObjectNode manifest) {
        telemetry.started(manifest);
    }

    @Override
    public void stopped(ObjectNode manifest) {
        telemetry.stopped(stopOf.apply(manifest), manifest);
    }

    @Override
    public void iteration(Trainer.IterationRecord r) {
        List<Iteration.ParameterUpdate> parameters = new ArrayList<>();
        r.parameters().forEach((name, value) -> parameters.add(new Iteration.ParameterUpdate(name, value, r.gradient().get(name),
                r.step().get(name))));
        telemetry.iteration(r.iteration(), r.iterations(), r.measurements(), r.train(), Optional.ofNullable(r.holdout()), parameters,
                Double.isNaN(r.driftPs()) ? OptionalDouble.empty() : OptionalDouble.of(r.driftPs()), r.calibrationId());
    }

    @Override
    public void measured(int iteration, Trace trace, StimulusResult result) {
        telemetry.measured(iteration, trace, result);
    }
}
