package org.tileloop.cli;

import picocli.CommandLine.Model.CommandSpec;

/** Old spellings kept for one release: they still work and say what replaces them. */
final class Deprecated {

    private Deprecated() {
    }

    static void warn(CommandSpec spec, String old, String replacement) {
        var err = spec.commandLine().getErr();
        err.println("warning: " + old + " is deprecated and goes away in the next release; use " + replacement);
        err.flush();
    }
}
