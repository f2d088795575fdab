package org.tileloop.rig.file;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.tileloop.calibration.CalibrationRecord;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.calibration.IdentityCalibration;
import org.tileloop.calibration.LinearCalibration;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.bench.BenchRig;
import org.tileloop.rig.bench.BenchSettings;
import org.tileloop.rig.bench.GpioLines;
import org.tileloop.rig.bench.internal.JSerialCommLink;
import org.tileloop.rig.bench.internal.Pi4jGpioLines;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;

/**
 * Opens the rig a rig file describes, with the rig's current calibration record applied when
 * there is a valid one (identity otherwise; {@link #calibrationProblem} says why).
 */
public final class Rigs {
    private Rigs() {
    }

    public static Rig open(Path rigFile) {
        return open(RigFileLoader.load(rigFile), CalibrationStore.defaultStore());
    }

    public static Rig open(RigFile file, CalibrationStore store) {
        Rig rig = switch (file.description().kind()) {
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
        try {
            store.current(file.description().id()).filter(r -> !r.expired(Instant.now())).ifPresent(r -> {
                requireChannels(file, r);
                rig.useCalibration(new LinearCalibration(r));
            });
        } catch (RuntimeException e) {
            rig.close();
            throw e;
        }
        return rig;
    }

    private static void requireChannels(RigFile file, CalibrationRecord r) {
        Set<String> have = r.channels().stream().map(CalibrationRecord.ChannelFit::channel).collect(Collectors.toSet());
        for (ChannelSpec c : file.description().channels()) {
            if (!have.contains(c.name())) {
                throw new RigConfigurationException("calibration " + r.id() + " has no channel '" + c.name() + "' of rig "
                        + file.description().id() + "; recalibrate: tileloop calibrate --rig " + file.path());
            }
        }
    }

    /** Why {@code rig} runs uncalibrated (no record, or the current one expired), or null when it is calibrated. */
    public static String calibrationProblem(RigFile file, CalibrationStore store, Rig rig) {
        if (!(rig.calibration() instanceof IdentityCalibration)) {
            return null;
        }
        return store.current(file.description().id())
                .map(r -> "calibration " + r.id() + " expired at " + r.expiresAt())
                .orElse("no calibration record for rig " + file.description().id() + " in " + store.root());
    }
}
