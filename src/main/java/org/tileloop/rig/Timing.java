package org.tileloop.rig;

/**
 * A time as measured and as calibrated, with the calibration that maps one to the other.
 *
 * @param rawNs time as the rig measured it
 * @param calibratedNs time after applying calibration {@code calibrationId}
 */
public record Timing(double rawNs, double calibratedNs, String calibrationId) {
}
