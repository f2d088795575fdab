package org.tileloop.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/** The files a run's manifest names (its rig file, its calibration directory), wherever the run directory now is. */
public final class ManifestPaths {

    private ManifestPaths() {
    }

    /** {@code target} as a path relative to the run directory, so a manifest names no absolute path and moves with its checkout. */
    static String fromRun(Path runDir, Path target) {
        return runDir.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize()).toString();
    }

    /**
     * A path the manifest records as {@code <key>_from_run} (relative to the run directory; when
     * the run directory was moved away from it, {@code <key>} as it was named when the run started,
     * relative to the current directory), or as {@code <key>_absolute} / {@code <key>} (absolute)
     * in manifests of earlier versions. Callers check what they find (the rig file's SHA-256).
     */
    public static Optional<Path> recorded(JsonNode m, String key, Path runDir, Path manifestFile) {
        if (m.hasNonNull(key + "_from_run")) {
            String text = m.get(key + "_from_run").asText();
            Path p = Path.of(text);
            if (p.isAbsolute()) {
                throw new RigConfigurationException(manifestFile + ": " + key + "_from_run: '" + StrictInput.printable(text)
                        + "' is not a path relative to the run directory");
            }
            Path fromRun = runDir.resolve(p).normalize();
            if (!java.nio.file.Files.exists(fromRun) && m.path(key).isTextual()) {
                Path asStarted = Path.of(m.get(key).asText());
                if (java.nio.file.Files.exists(asStarted)) {
                    return Optional.of(asStarted);
                }
            }
            return Optional.of(fromRun);
        }
        String legacy = key.equals("rig_file") ? key + "_absolute" : key;
        if (!m.hasNonNull(legacy)) {
            return Optional.empty();
        }
        Path p = Path.of(m.get(legacy).asText());
        if (!p.isAbsolute()) {
            throw new RigConfigurationException(manifestFile + ": " + legacy + ": '" + StrictInput.printable(m.get(legacy).asText())
                    + "' is not an absolute path");
        }
        return Optional.of(p);
    }
}
