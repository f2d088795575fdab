package org.tileloop.rig.spice;

import java.util.List;

/**
 * A model of a bench's timing chain for the simulated rig (rig file {@code simulator.timing_chain}),
 * so calibration runs in CI: a channel reports {@code t·(1 + gain_ppm·1e-6) + offset + jitter} for
 * an edge at true time {@code t}. Jitter is Gaussian with σ = {@code jitterPs}, a deterministic
 * function of the seed, the channel and a per-edge salt.
 */
public record TimingChain(List<Double> offsetsNs, List<Double> gainPpm, double jitterPs, long seed) {

    public TimingChain {
        offsetsNs = List.copyOf(offsetsNs);
        gainPpm = List.copyOf(gainPpm);
    }

    public double raw(int channel, double trueNs, long salt) {
        return trueNs * (1 + gainPpm.get(channel) * 1e-6) + offsetsNs.get(channel) + jitterPs * 1e-3 * gauss(channel, salt);
    }

    private double gauss(int channel, long salt) {
        long h = mix(mix(seed ^ 0x9E3779B97F4A7C15L) ^ channel * 0xBF58476D1CE4E5B9L ^ salt);
        double u1 = ((h >>> 11) + 0.5) / 9007199254740992.0;
        double u2 = ((mix(h) >>> 11) + 0.5) / 9007199254740992.0;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
