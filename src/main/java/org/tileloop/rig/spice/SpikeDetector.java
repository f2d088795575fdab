package org.tileloop.rig.spice;

import java.util.ArrayList;
import java.util.List;

/**
 * Spike times from a sampled waveform: a spike is a rising crossing of the threshold, located
 * by linear interpolation between samples (as ngspice's {@code .meas WHEN} does). After a spike
 * the detector re-arms only once the signal falls below {@code threshold - hysteresis}; a signal
 * that starts above the threshold is not a spike until it has fallen and risen again.
 */
public final class SpikeDetector {
    private SpikeDetector() {
    }

    /** @return crossing times in the unit of {@code time}, ascending */
    public static List<Double> crossings(double[] time, double[] value, double threshold, double hysteresis) {
        List<Double> out = new ArrayList<>();
        boolean armed = value.length > 0 && value[0] < threshold;
        for (int i = 1; i < value.length; i++) {
            if (!armed) {
                if (value[i] < threshold - hysteresis || (hysteresis == 0 && value[i] < threshold)) {
                    armed = true;
                }
                continue;
            }
            if (value[i - 1] < threshold && value[i] >= threshold) {
                double t = time[i - 1] + (threshold - value[i - 1]) * (time[i] - time[i - 1]) / (value[i] - value[i - 1]);
                out.add(t);
                armed = false;
            }
        }
        return out;
    }

    /** Trapezoidal integral of {@code y} over {@code x}. */
    public static double integrate(double[] x, double[] y) {
        double sum = 0;
        for (int i = 1; i < x.length; i++) {
            sum += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
        }
        return sum;
    }
}
