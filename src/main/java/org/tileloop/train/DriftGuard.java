package org.tileloop.train;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.Rig;

/**
 * Checks timing drift every {@code drift_check_every} iterations: measures the reference delay on
 * every channel and compares the calibrated times with it. Beyond {@code drift_threshold_ps} it
 * pauses the run ({@link DriftException}) or, with {@code drift_action: recalibrate}, has the rig
 * recalibrated and checks again.
 */
public final class DriftGuard {

    /** Produces a fresh calibration when a drift check fails and {@code drift_action} is {@code recalibrate}. */
    @FunctionalInterface
    public interface Recalibration {
        Calibration recalibrate(int iteration, double driftPs);
    }

    /** For runs with no calibration procedure: recalibrating is refused. */
    public static final Recalibration NONE = (k, d) -> {
        throw new DriftException("drift_action recalibrate needs a calibration procedure");
    };

    private final Rig rig;
    private final TrainingConfig config;
    private final Recalibration recalibration;

    public DriftGuard(Rig rig, TrainingConfig config, Recalibration recalibration) {
        this.rig = rig;
        this.config = config;
        this.recalibration = recalibration;
    }

    /**
     * Before iteration {@code k}: the largest |calibrated − true| in ps when a check is due (after
     * recalibrating, when configured and needed), empty when none is.
     *
     * @throws DriftException to pause the run
     */
    public OptionalDouble check(int k) {
        if (config.drift().checkEvery() == 0 || k == 0 || k % config.drift().checkEvery() != 0) {
            return OptionalDouble.empty();
        }
        double worst = referenceDrift();
        if (worst <= config.drift().thresholdPs()) {
            return OptionalDouble.of(worst);
        }
        String what = String.format(Locale.ROOT, "timing drift of %.1f ps at iteration %d exceeds drift_threshold_ps (%s) under calibration %s",
                worst, k, TrainingConfig.key(config.drift().thresholdPs()), rig.calibration().id());
        if (config.drift().action() == TrainingConfig.DriftAction.PAUSE) {
            throw new DriftException(what + "; recalibrate (tileloop calibrate --rig ...) and resume");
        }
        rig.useCalibration(recalibration.recalibrate(k, worst));
        double after = referenceDrift();
        if (after > config.drift().thresholdPs()) {
            throw new DriftException(what + "; still " + String.format(Locale.ROOT, "%.1f", after) + " ps after recalibrating");
        }
        return OptionalDouble.of(after);
    }

    private double referenceDrift() {
        double d = config.drift().referenceDelayNs();
        List<Double> raw = rig.measureReference(d);
        double worst = 0;
        for (int c = 0; c < raw.size(); c++) {
            double cal = rig.calibration().apply(rig.description().channels().get(c).name(), raw.get(c)).calibratedNs();
            worst = Math.max(worst, Math.abs(cal - d) * 1000);
        }
        return worst;
    }
}
