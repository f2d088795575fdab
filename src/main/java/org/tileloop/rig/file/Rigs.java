package org.tileloop.rig.file;

import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Rig;
import org.tileloop.rig.bench.BenchRig;
import org.tileloop.rig.bench.BenchSettings;
import org.tileloop.rig.bench.GpioLines;
import org.tileloop.rig.bench.internal.JSerialCommLink;
import org.tileloop.rig.bench.internal.Pi4jGpioLines;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;

/**
 * Opens the rig a rig file describes, uncalibrated (identity calibration); applying a calibration
 * record is {@code calibration.CalibratedRigs}' job.
 */
public final class Rigs {
    private Rigs() {
    }

    public static Rig open(RigFile file) {
        return switch (file.description().kind()) {
            case SIMULATED -> new SpiceRig(file.description(), file.simulator().orElseThrow(),
                    IdentityCalibration.INSTANCE, Ngspice.locate());
            case DIGITAL -> new org.tileloop.rig.digital.DigitalDetectorRig(file.description(), file.digital().orElseThrow());
            case BENCH -> {
                BenchSettings b = file.bench().orElseThrow();
                GpioLines gpio = b.gpio().platform().equals("none") ? GpioLines.NONE : Pi4jGpioLines.open(b.gpio());
                yield new BenchRig(file.description(), b, JSerialCommLink.factory(b.device(), b.baud()), gpio,
                        IdentityCalibration.INSTANCE);
            }
        };
    }
}
