package org.tileloop.input;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** One-line descriptions of failures for messages, in tileloop's words. */
public final class Failures {
    private Failures() {
    }

    /**
     * {@code file: reason} for a file-system failure (also inside an {@link UncheckedIOException}),
     * else the first line of the message without Java class names.
     */
    public static String describe(Throwable ex) {
        Throwable t = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
        if (t instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : t instanceof NoSuchFileException ? "no such file or directory"
                    : t instanceof AccessDeniedException ? "permission denied"
                    : t instanceof FileAlreadyExistsException ? "already exists" : t.getClass().getSimpleName();
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason;
        }
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : StrictInput.oneLine(t.getMessage());
    }
}
