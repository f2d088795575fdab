package org.tileloop.input;

import java.nio.file.Path;

/** Paths as tileloop prints them: relative to the current directory when under it, so no checkout's absolute path reaches a user. */
public final class ShownPath {

    private ShownPath() {
    }

    public static Path of(Path p) {
        Path cwd = Path.of("").toAbsolutePath().normalize();
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs) : p.normalize();
    }
}
