package org.tileloop.calibration;

import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFile;

/**
 * Opens the rig a rig file describes with the rig's current calibration record applied when there
 * is a valid one (identity otherwise; {@link #problem} says why).
 */
public final class CalibratedRigs {
    private CalibratedRigs() {
    }

    public static Rig open(RigFile file, CalibrationStore store) {
        return open(file, store, org.tileloop.rig.file.RigOpener.LOCAL);
    }

    /** As {@link #open(RigFile, CalibrationStore)}, the rig opened by {@code opener} (e.g. on the fleet). */
    public static Rig open(RigFile file, CalibrationStore store, org.tileloop.rig.file.RigOpener opener) {
        Rig rig = opener.open(file);
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
    public static String problem(RigFile file, CalibrationStore store, Rig rig) {
        if (!(rig.calibration() instanceof IdentityCalibration)) {
            return null;
        }
        return store.current(file.description().id())
                .map(r -> "calibration " + r.id() + " expired at " + r.expiresAt())
                .orElse("no calibration record for rig " + file.description().id() + " in " + org.tileloop.input.ShownPath.of(store.root()));
    }
}
