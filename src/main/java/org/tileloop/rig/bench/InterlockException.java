package org.tileloop.rig.bench;

import org.tileloop.rig.RigUnavailableException;

/** The bench's interlock tripped: the tile's drive is off and nothing runs until it is cleared. */
public final class InterlockException extends RigUnavailableException {
    public InterlockException(String message) {
        super(message);
    }
}
