package org.tileloop.daemon;

import org.tileloop.input.BadInputException;

/** A command refused, with its one-line reason (sent back as the reply's {@code error}); nothing was queued or changed. */
public final class CommandException extends BadInputException {
    CommandException(String message) {
        super(message);
    }
}
