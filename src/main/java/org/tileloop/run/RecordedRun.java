package org.tileloop.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.train.TrainingConfig;

/** What a run directory recorded, read back for a resume: its rig, config, manifest and calibration store. */
record RecordedRun(RigFile rig, TrainingConfig config, ObjectNode manifest, CalibrationStore store, boolean allowUncalibrated) {

    /**
     * The recorded run in {@code dir}, checked: not completed, its rig file and config unchanged
     * since it started; its manifest gains a {@code resumes} entry with the status it had
     * ({@code interrupted} when it still said {@code running}).
     */
    static RecordedRun read(RunDirectory dir, String commandLine) throws IOException {
        Path runDir = dir.path();
        Path manifestFile = dir.manifestFile();
        ObjectNode m = dir.readManifest();
        RunStatus previous = RunStatus.fromWire(m.path("status").asText()).orElseThrow();
        if (previous == RunStatus.COMPLETED) {
            throw new RigConfigurationException(runDir + ": run already completed; nothing to resume");
        }
        Path rigPath = ManifestPaths.recorded(m, "rig_file", runDir, manifestFile).orElseThrow();
        if (m.has("allow_uncalibrated") && !m.get("allow_uncalibrated").isBoolean()) {
            throw new RigConfigurationException(manifestFile + ": allow_uncalibrated: must be true or false");
        }
        if (!m.path("config_sha256").isTextual()
                || !RigFileLoader.sha256(TrainingRun.JSON.writeValueAsBytes(m.get("config"))).equals(m.get("config_sha256").asText())) {
            throw new RigConfigurationException(manifestFile + ": config was changed since the run started (its SHA-256 is not"
                    + " config_sha256); a resumed run keeps the config it started with: start a new run instead");
        }
        RigFile rigf = RigFileLoader.load(rigPath);
        String recordedSha = m.path("rig_file_sha256").asText();
        if (!rigf.sha256().equals(recordedSha)) {
            throw new RigConfigurationException(rigPath + ": rig file changed since run " + m.path("run_id").asText()
                    + " started (sha256 " + rigf.sha256().substring(0, 12) + ", recorded "
                    + recordedSha.substring(0, Math.min(12, recordedSha.length())) + "); restore it or start a new run");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> recorded = TrainingRun.JSON.convertValue(m.path("config"), Map.class);
        TrainingConfig config = TrainingConfig.fromMap(recorded, manifestFile + ": config");
        config.checkAgainst(rigf.description(), manifestFile + ": config");
        RunState state = RunState.load(runDir).orElseThrow();
        CalibrationStore store = ManifestPaths.recorded(m, "calibration_dir", runDir, manifestFile).map(CalibrationStore::new)
                .orElseGet(CalibrationStore::defaultStore);
        ObjectNode entry = m.withArray("resumes").addObject();
        entry.put("time", Instant.now().toString());
        entry.put("from_iteration", state.nextIteration());
        entry.put("command_line", commandLine);
        entry.put("previous_status", (previous == RunStatus.RUNNING ? RunStatus.INTERRUPTED : previous).wire());
        if (previous == RunStatus.RUNNING) {
            entry.put("previous_reason", "the process running it ended without recording a stop (killed or crashed)");
        } else if (m.hasNonNull("reason")) {
            entry.put("previous_reason", m.get("reason").asText());
        }
        m.remove("end_time");
        m.remove("reason");
        return new RecordedRun(rigf, config, m, store, m.path("allow_uncalibrated").asBoolean(false));
    }
}
