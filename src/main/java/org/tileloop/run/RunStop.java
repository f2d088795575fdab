package org.tileloop.run;

/**
 * How a run ended.
 *
 * @param status never {@link RunStatus#RUNNING}
 * @param reason one line for a human, with the resume command when the run can be continued
 */
public record RunStop(RunStatus status, String reason) {

    public RunStop {
        if (status == RunStatus.RUNNING) {
            throw new IllegalArgumentException("a stop has an end status");
        }
    }
}
