package org.tileloop.rig;

/**
 * Maps raw times of a channel to calibrated times. Immutable and thread-safe.
 */
public interface Calibration {

    /** Stable identifier recorded next to every calibrated value. */
    String id();

    /** Calibrates one raw time (ns) measured on {@code channel}. */
    Timing apply(String channel, double rawNs);
}
