package org.tileloop.run;

import java.util.Locale;

/**
 * A run's status, one vocabulary for the manifest, the command line, the daemon and telemetry
 * (written in lower case). Every status but {@link #RUNNING} ends a run; all but
 * {@link #COMPLETED} can be resumed.
 */
public enum RunStatus {
    /** A process is running it (when that process is gone, the run is {@link #INTERRUPTED}). */
    RUNNING,
    /** Every iteration ran, or early stopping / an optimizer's convergence ended it. */
    COMPLETED,
    /** Stopped on purpose to be continued: a pause request, an interlock, timing drift. */
    PAUSED,
    /** Stopped by a user (Ctrl-C, SIGTERM, a stop command). */
    ABORTED,
    /** Stopped by an error. */
    FAILED,
    /** Its process died without recording a stop; found on the next look at the run. */
    INTERRUPTED;

    /** The lower-case name used in files and messages. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named {@code text} (lower case), empty for anything else. */
    public static java.util.Optional<RunStatus> fromWire(String text) {
        for (RunStatus s : values()) {
            if (s.wire().equals(text)) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
