package org.tileloop.calibration;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.Timing;

/** Applies a {@link CalibrationRecord}: per channel, calibrated = (raw − offset) / gain. */
public final class LinearCalibration implements Calibration {
    private final String id;
    private final Map<String, CalibrationRecord.ChannelFit> fits = new LinkedHashMap<>();

    public LinearCalibration(CalibrationRecord record) {
        this.id = record.id();
        record.channels().forEach(c -> fits.put(c.channel(), c));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Timing apply(String channel, double rawNs) {
        CalibrationRecord.ChannelFit fit = fits.get(channel);
        if (fit == null) {
            throw new RigConfigurationException("calibration " + id + " has no channel '" + channel + "'");
        }
        return new Timing(rawNs, fit.calibrate(rawNs), id);
    }
}
