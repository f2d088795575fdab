package org.tileloop.cli;

import java.nio.file.Path;
import org.tileloop.calibration.CalibrationStore;
import picocli.CommandLine.Option;

/** {@code --calibration-dir DIR}: where calibration records live. */
final class CalibrationOptions {

    @Option(names = "--calibration-dir", paramLabel = "DIR",
            description = "Calibration records (default: calibration/ of this tileloop checkout).")
    Path calibrationDir;

    CalibrationStore store() {
        return calibrationDir == null ? CalibrationStore.defaultStore() : new CalibrationStore(calibrationDir);
    }
}
