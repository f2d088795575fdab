package org.tileloop.rig.file;

import java.nio.file.Path;
import java.util.Optional;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.bench.BenchSettings;
import org.tileloop.rig.spice.SpiceSettings;

/** A loaded, validated rig file. */
public record RigFile(Path path, String sha256, RigDescription description, Optional<SpiceSettings> simulator,
                      Optional<BenchSettings> bench, CalibrationSettings calibration,
                      Optional<org.tileloop.rig.digital.DigitalSettings> digital) {
}
