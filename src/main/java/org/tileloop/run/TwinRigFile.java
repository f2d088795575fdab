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
import org.tileloop.rig.RigDescription;
import org.tileloop.train.TrainingConfig;
import org.tileloop.train.TrainingTask;

/**
 * The simulated twin a training config names ({@code twin}, relative to the config file): found
 * and recorded in the manifest ({@code twin_rig_file}, {@code twin_rig_file_from_run},
 * {@code twin_rig_file_sha256}) when a run starts, found again from the manifest and checked
 * unchanged when it resumes.
 */
final class TwinRigFile {

    private TwinRigFile() {
    }

    /**
     * The twin a new run's config names, checked against the task on {@code rig}; empty when the
     * config names none. Called before the run directory exists, so a bad twin leaves nothing behind.
     */
    static Optional<RigFile> find(TrainingConfig config, Path configFile, RigDescription rig) {
        if (config.twin().rigFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = configFile.toAbsolutePath().getParent().resolve(config.twin().rigFile().get()).normalize();
        String key = ShownPath.of(configFile) + ": twin";
        RigFile twin = load(file, key);
        TrainingTask.of(config, rig).checkTwin(twin.description(), ShownPath.of(configFile).toString());
        return Optional.of(twin);
    }

    /** Records {@code twin} in a new run's manifest. */
    static void record(Optional<RigFile> twin, ObjectNode manifest, Path runDir) {
        twin.ifPresent(t -> {
            manifest.put("twin_rig_file", ShownPath.of(t.path()).toString());
            manifest.put("twin_rig_file_from_run", ManifestPaths.fromRun(runDir, t.path()));
            manifest.put("twin_rig_file_sha256", t.sha256());
        });
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
