package org.tileloop.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.StimulusResult;
import org.tileloop.run.CsvRows;

/**
 * Where measure and calibrate jobs leave their results, like a training leaves its run: a
 * directory {@code <runs>/<UTC time>-<kind>-<job>} with a CSV or report and {@code result.json}.
 */
final class JobResults {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private JobResults() {
    }

    /** {@code measurements.csv}: one row per stimulus and channel (times in ns, the true spike count or empty). */
    static Path measurements(Path runsDir, String job, List<StimulusResult> results) {
        StringBuilder csv = new StringBuilder(CsvRows.row("delay_ns", "channel", "first_spike_raw_ns", "first_spike_ns", "calibration_id",
                "spike_count", "energy_pj"));
        for (StimulusResult r : results) {
            for (ChannelResult c : r.channels()) {
                var first = c.firstSpike();
                csv.append(CsvRows.row(Double.toString(r.stimulus().delayNs()), c.name(), first.map(t -> Double.toString(t.rawNs())).orElse(""),
                        first.map(t -> Double.toString(t.calibratedNs())).orElse(""), first.map(t -> t.calibrationId()).orElse(""),
                        c.spikeCount().isPresent() ? Integer.toString(c.spikeCount().getAsInt()) : "",
                        r.energyPj().isPresent() ? Double.toString(r.energyPj().getAsDouble()) : ""));
            }
        }
        return write(runsDir, "measure", job, "measurements.csv", csv.toString(), null);
    }

    /** {@code report.txt} (the calibration report) and {@code result.json}. */
    static Path calibration(Path runsDir, String job, String report, ObjectNode result) {
        return write(runsDir, "calibrate", job, "report.txt", report, result);
    }

    private static Path write(Path runsDir, String kind, String job, String name, String text, ObjectNode result) {
        try {
            Path dir = Files.createDirectories(runsDir.resolve(STAMP.format(Instant.now()) + "-" + kind + "-" + job)).toAbsolutePath();
            Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
            if (result != null) {
                Files.write(dir.resolve("result.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(runsDir + ": writing the job's results failed: " + e.getMessage(), e);
        }
    }
}
