package org.tileloop.cli;

import java.nio.file.Path;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigLocator;
import picocli.CommandLine.Option;

/** {@code --rig RIG}: a rig id ({@code sim-tile4}) or a rig file ({@code rigs/sim-tile4.yaml}), the same in every command. */
final class RigArgument {

    static final String DESCRIPTION = "Rig id (e.g. sim-tile4, looked up in rigs/) or rig file (e.g. rigs/sim-tile4.yaml).";

    @Option(names = "--rig", required = true, paramLabel = "RIG", description = DESCRIPTION)
    String ref;

    Path file() {
        return file(ref);
    }

    RigFile load() {
        return load(ref);
    }

    static RigFile load(String ref) {
        return load(ref, "--rig");
    }

    /** The rig {@code ref} names, errors naming the option {@code option}. */
    static RigFile load(String ref, String option) {
        return RigLocator.standard().rig(ref, option);
    }

    /** The rig id {@code ref} names: a rig file stands for its id; an id is taken as it is (a daemon or a run record knows its rigs). */
    static String id(String ref) {
        if (RigLocator.isFile(ref)) {
            return load(ref).description().id();
        }
        return ref;
    }

    static Path file(String ref) {
        return file(ref, "--rig");
    }

    /** The rig file {@code ref} names, errors naming the option {@code option}. */
    static Path file(String ref, String option) {
        return RigLocator.standard().rigFile(ref, option);
    }
}
