package org.tileloop.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tileloop.train.Iteration;

/**
 * Observes a run through its record (telemetry, progress display). Every call comes on the
 * training thread, after the record has stored what it reports: an iteration is announced only
 * once it is durable, so a resume never replays it differently. Implementations return quickly
 * and never throw. Default methods do nothing.
 */
public interface RunListener {

    /** The run started or resumed; {@code manifest} is a copy of the manifest as written. */
    default void started(ObjectNode manifest) {
    }

    /** One iteration, saved. */
    default void iteration(Iteration iteration) {
    }

    /** The run ended; {@code manifest} is a copy of the final manifest as written. */
    default void stopped(RunStop stop, ObjectNode manifest) {
    }
}
