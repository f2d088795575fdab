package org.tileloop.rig;

/** A rig file, parameter vector or stimulus was refused; nothing was executed. */
public class RigConfigurationException extends RigException {
    public RigConfigurationException(String message) {
        super(message, null);
    }

    public RigConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
