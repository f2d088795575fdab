package org.tileloop.train;

import org.tileloop.rig.MeasurementException;

/** A drift check found the calibrated reference edge further from its true delay than allowed; the run pauses. */
public final class DriftException extends MeasurementException {
    public DriftException(String message) {
        super(message);
    }
}
