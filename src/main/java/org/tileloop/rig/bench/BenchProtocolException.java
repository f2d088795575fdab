package org.tileloop.rig.bench;

import org.tileloop.rig.MeasurementException;

/** The controller answered with an ERROR frame. */
public final class BenchProtocolException extends MeasurementException {
    public static final int UNKNOWN_TYPE = 1, BAD_PAYLOAD = 2, BAD_INDEX = 3, CODE_RANGE = 4, SAFETY_LIMIT = 5,
            NOT_ARMED = 6, INTERLOCK = 7, BATCH_TOO_LARGE = 8, DELAY_RANGE = 9, NO_RESULT = 10, VERSION = 11, HARDWARE = 12;

    private final int code;

    public BenchProtocolException(int code, String message) {
        super("bench controller refused the command: error " + code + " (" + message + ")");
        this.code = code;
    }

    public int code() {
        return code;
    }
}
