package org.tileloop.rig;

/** Calibrated equals raw. Used until a rig has a real calibration record. */
public enum IdentityCalibration implements Calibration {
    INSTANCE;

    public static final String ID = "identity";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Timing apply(String channel, double rawNs) {
        return new Timing(rawNs, rawNs, ID);
    }
}
