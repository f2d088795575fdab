package org.tileloop.rig.file;

import java.nio.file.Path;
import org.tileloop.calibration.IdentityCalibration;
import org.tileloop.rig.Rig;
import org.tileloop.rig.bench.BenchRig;
import org.tileloop.rig.bench.BenchSettings;
import org.tileloop.rig.bench.GpioLines;
import org.tileloop.rig.bench.internal.JSerialCommLink;
import org.tileloop.rig.bench.internal.Pi4jGpioLines;
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
            case BENCH -> {
                BenchSettings b = file.bench().orElseThrow();
                GpioLines gpio = b.gpio().platform().equals("none") ? GpioLines.NONE : Pi4jGpioLines.open(b.gpio());
                yield new BenchRig(file.description(), b, JSerialCommLink.factory(b.device(), b.baud()), gpio,
                        IdentityCalibration.INSTANCE);
            }
        };
    }
}
