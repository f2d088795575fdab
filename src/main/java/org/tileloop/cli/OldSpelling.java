package org.tileloop.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Old spellings kept for one release: they still work, say what replaces them, and may not be mixed with it. */
final class OldSpelling {

    private OldSpelling() {
    }

    /**
     * Warns that {@code old} was used; refuses it when {@code replacement} (an option name) was
     * given too.
     */
    static void use(CommandSpec spec, String old, String replacement) {
        if (spec.commandLine().getParseResult().hasMatchedOption(replacement)) {
            throw new ParameterException(spec.commandLine(), "give " + replacement + " only (" + old + " is its old spelling)");
        }
        warn(spec, old, replacement);
    }

    static void warn(CommandSpec spec, String old, String replacement) {
        var err = spec.commandLine().getErr();
        err.println("warning: " + old + " is deprecated and goes away in the next release; use " + replacement);
        err.flush();
    }
}
