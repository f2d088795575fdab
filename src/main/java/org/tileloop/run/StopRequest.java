package org.tileloop.run;

import java.util.Optional;

/**
 * Asked by a run before each iteration whether to stop there. Called on the training thread;
 * implementations return at once and may be set from any thread.
 */
@FunctionalInterface
public interface StopRequest {

    /** Never stops. */
    StopRequest NONE = Optional::empty;

    /** {@link RunStatus#PAUSED} or {@link RunStatus#ABORTED} to stop before the next iteration, empty to go on. */
    Optional<RunStatus> poll();
}
