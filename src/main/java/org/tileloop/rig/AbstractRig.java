package org.tileloop.rig;

/** The calibration every rig applies, swappable at any time (e.g. after a recalibration). */
public abstract class AbstractRig implements Rig {

    private volatile Calibration calibration;

    protected AbstractRig(Calibration calibration) {
        this.calibration = calibration;
    }

    @Override
    public Calibration calibration() {
        return calibration;
    }

    @Override
    public void useCalibration(Calibration calibration) {
        this.calibration = calibration;
    }
}
