package org.tileloop.calibration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One calibration of a rig's timing chains, as stored in {@code calibration/<rig-id>/<UTC timestamp>.json}.
 * Per channel, raw = offset + gain · true; calibrated = (raw − offset) / gain.
 *
 * @param id {@code <rig-id>/<UTC timestamp>}, recorded next to every calibrated value
 * @param temperatureC board temperature when the controller reports it, else null
 * @param validFrom when the reference sweep was taken (ISO-8601 UTC)
 * @param maxAgeHours after validFrom + maxAgeHours the record is expired
 */
public record CalibrationRecord(int schemaVersion, String id, String rigId, String rigKind, String boardId,
                                String firmwareVersion, Double temperatureC, String validFrom, double maxAgeHours,
                                List<Double> referenceDelaysNs, int repeats, double maxResidualPs, String tileloopVersion,
                                List<ChannelFit> channels) {

    /**
     * @param points {@code [true_ns, raw_ns]} pairs, in measurement order
     * @param residualRmsPs RMS of raw − fit, ps
     */
    public record ChannelFit(String channel, double offsetNs, double gain, double residualRmsPs, double maxResidualPs,
                             double rSquared, List<double[]> points) {

        public double calibrate(double rawNs) {
            return (rawNs - offsetNs) / gain;
        }
    }

    public static final int SCHEMA_VERSION = 1;

    public CalibrationRecord {
        referenceDelaysNs = List.copyOf(referenceDelaysNs);
        channels = List.copyOf(channels);
    }

    public Instant expiresAt() {
        return Instant.parse(validFrom).plus(Duration.ofMillis((long) (maxAgeHours * 3_600_000)));
    }

    public boolean expired(Instant now) {
        return now.isAfter(expiresAt());
    }

    /** Whether every channel's largest residual is within the limit. */
    public boolean accepted() {
        return channels.stream().allMatch(c -> c.maxResidualPs() <= maxResidualPs);
    }
}
