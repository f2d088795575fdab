package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpikeDetectorTest {

    @Test
    void interpolatesRisingCrossing() {
        double[] t = {0, 1, 2, 3};
        double[] v = {0, 0.5, 1.5, 1.8};
        // crosses 0.9 between t=1 (0.5) and t=2 (1.5): 1 + 0.4/1.0
        assertEquals(List.of(1.4), SpikeDetector.crossings(t, v, 0.9, 0.2));
    }

    @Test
    void hysteresisSuppressesRingingAndCountsRealSpikes() {
        double[] t = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        // spike, dip to 0.8 (inside hysteresis band 0.6..0.9), back up: one spike; then a real reset and a second spike
        double[] v = {0, 1.8, 0.8, 1.8, 0.0, 0.0, 1.0, 1.8, 0.0};
        List<Double> c = SpikeDetector.crossings(t, v, 0.9, 0.3);
        assertEquals(2, c.size());
        assertEquals(0.5, c.get(0), 1e-12);
        assertEquals(5.9, c.get(1), 1e-12);
        assertEquals(3, SpikeDetector.crossings(t, v, 0.9, 0.0).size());
    }

    @Test
    void signalStartingHighIsNotASpike() {
        double[] t = {0, 1, 2, 3};
        double[] v = {1.8, 1.8, 0.0, 1.8};
        assertEquals(List.of(2.5), SpikeDetector.crossings(t, v, 0.9, 0.3));
    }

    @Test
    void noCrossingNoSpike() {
        assertEquals(List.of(), SpikeDetector.crossings(new double[] {0, 1}, new double[] {0, 0.89}, 0.9, 0.1));
    }

    @Test
    void trapezoidIntegral() {
        assertEquals(4.0, SpikeDetector.integrate(new double[] {0, 1, 2}, new double[] {1, 2, 3}), 1e-12);
    }
}
