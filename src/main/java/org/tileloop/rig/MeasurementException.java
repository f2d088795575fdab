package org.tileloop.rig;

/** A measurement was attempted and produced no trustworthy result. */
public class MeasurementException extends RigException {
    public MeasurementException(String message) {
        super(message, null);
    }

    public MeasurementException(String message, Throwable cause) {
        super(message, cause);
    }
}
