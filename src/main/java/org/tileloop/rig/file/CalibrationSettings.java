package org.tileloop.rig.file;

import java.util.List;

/**
 * How a rig is calibrated (rig file key {@code calibration}).
 *
 * @param referenceDelaysNs reference-edge delays swept, ns after the origin
 * @param repeats measurements per delay
 * @param maxResidualPs a fit with any residual beyond this is rejected
 * @param maxAgeHours a record older than this is expired
 */
public record CalibrationSettings(List<Double> referenceDelaysNs, int repeats, double maxResidualPs, double maxAgeHours) {

    public static final CalibrationSettings DEFAULT = new CalibrationSettings(List.of(2.0, 5.0, 8.0, 11.0, 14.0, 17.0, 20.0), 5, 20, 168);

    public CalibrationSettings {
        referenceDelaysNs = List.copyOf(referenceDelaysNs);
    }
}
