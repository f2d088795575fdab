package org.tileloop.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Optional;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.file.Rigs;
import org.tileloop.train.TrainingConfig;

/**
 * The simulated twin a training config names ({@code twin}, relative to the config file): found
 * and recorded in the manifest ({@code twin_rig_file}, {@code twin_rig_file_from_run},
 * {@code twin_rig_file_sha256}) when a run starts, found again from the manifest and checked
 * unchanged when it resumes.
 */
final class TwinRigFile {

    private TwinRigFile() {
    }

    /** The twin of a new run, recorded in {@code manifest}; empty when the config names none. */
    static Optional<RigFile> forNewRun(TrainingConfig config, Path configFile, ObjectNode manifest, Path runDir) {
        if (config.twin().rigFile().isEmpty()) {
            return Optional.empty();
        }
        String written = config.twin().rigFile().get();
        Path file = configFile.toAbsolutePath().getParent().resolve(written).normalize();
        RigFile twin = load(file, ShownPath.of(configFile) + ": twin");
        manifest.put("twin_rig_file", ShownPath.of(file).toString());
        manifest.put("twin_rig_file_from_run", ManifestPaths.fromRun(runDir, file));
        manifest.put("twin_rig_file_sha256", twin.sha256());
        return Optional.of(twin);
    }

    /** The twin a resumed run recorded, checked unchanged since the run started. */
    static Optional<RigFile> recorded(TrainingConfig config, ObjectNode manifest, Path runDir, Path manifestFile) {
        if (config.twin().rigFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = ManifestPaths.recorded(manifest, "twin_rig_file", runDir, manifestFile).orElseThrow(() -> new RigConfigurationException(
                manifestFile + ": twin_rig_file_from_run: missing, but the config names a twin; this run cannot be resumed"));
        RigFile twin = load(file, manifestFile + ": twin_rig_file");
        String sha = manifest.path("twin_rig_file_sha256").asText();
        if (!twin.sha256().equals(sha)) {
            throw new RigConfigurationException(ShownPath.of(file) + ": twin rig file changed since run " + manifest.path("run_id").asText()
                    + " started (sha256 " + twin.sha256().substring(0, 12) + ", recorded " + sha.substring(0, Math.min(12, sha.length()))
                    + "); restore it or start a new run");
        }
        return Optional.of(twin);
    }

    private static RigFile load(Path file, String key) {
        RigFile twin;
        try {
            twin = RigFileLoader.load(file);
        } catch (RigConfigurationException e) {
            throw new RigConfigurationException(key + ": " + e.getMessage(), e);
        }
        if (twin.description().kind() != RigKind.SIMULATED) {
            throw new RigConfigurationException(key + ": " + ShownPath.of(file) + " is a " + twin.description().kind().toString()
                    .toLowerCase(java.util.Locale.ROOT) + " rig; a twin is a simulated rig");
        }
        return twin;
    }

    /** The opened twin, closed with the run. */
    record Opened(Optional<Rig> rig) implements AutoCloseable {
        @Override
        public void close() {
            rig.ifPresent(Rig::close);
        }
    }

    static Opened open(Optional<RigFile> twin) {
        return new Opened(twin.map(Rigs::open));
    }
}
