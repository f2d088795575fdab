package org.tileloop.rig;

/** Base of rig failures; see {@link Rig} for what each subtype means. */
public abstract class RigException extends RuntimeException {
    protected RigException(String message, Throwable cause) {
        super(message, cause);
    }
}
