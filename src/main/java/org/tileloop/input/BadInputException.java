package org.tileloop.input;

/**
 * A file, message or value was refused before anything acted on it. The message is one line
 * that names the source (file or topic), the key and what is allowed; nothing was executed.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message, null);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
