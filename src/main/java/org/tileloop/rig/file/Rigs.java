package org.tileloop.rig.file;

import java.nio.file.Path;
import org.tileloop.calibration.IdentityCalibration;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;

/** Opens the rig a rig file describes. */
public final class Rigs {
    private Rigs() {
    }

    public static Rig open(Path rigFile) {
        return open(RigFileLoader.load(rigFile));
    }

    public static Rig open(RigFile file) {
        return switch (file.description().kind()) {
            case SIMULATED -> new SpiceRig(file.description(), file.simulator().orElseThrow(),
                    IdentityCalibration.INSTANCE, Ngspice.locate());
            case BENCH -> throw new RigConfigurationException(file.path() + ": kind 'bench' rigs are not supported by this build yet");
        };
    }
}
