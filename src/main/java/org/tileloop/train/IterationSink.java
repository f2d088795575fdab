package org.tileloop.train;

import java.io.IOException;

/**
 * Where the trainer's iterations go: its only output. Called on the training thread once per
 * completed iteration, in order; the trainer continues from {@link Iteration#next()} only after
 * {@code accept} returns, so a sink that stores the iteration durably makes the run resumable
 * from there.
 */
@FunctionalInterface
public interface IterationSink {

    /**
     * Takes one iteration.
     *
     * @throws IOException when it cannot be stored; the run stops with nothing of this iteration kept
     */
    void accept(Iteration iteration) throws IOException;
}
