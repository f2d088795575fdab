package org.tileloop.rig;

/** The rig cannot be reached: simulator missing, port gone, interlock open. */
public class RigUnavailableException extends RigException {
    public RigUnavailableException(String message) {
        super(message, null);
    }

    public RigUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
