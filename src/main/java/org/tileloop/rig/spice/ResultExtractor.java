package org.tileloop.rig.spice;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * Turns one ngspice raw file into a {@link StimulusResult}: threshold crossings per channel, passed
 * through the timing-chain model and the calibration, and the supply energy over the window.
 */
final class ResultExtractor {

    private final RigDescription description;
    private final SpiceSettings settings;
    private final NetlistRenderer renderer;

    ResultExtractor(RigDescription description, SpiceSettings settings, NetlistRenderer renderer) {
        this.description = description;
        this.settings = settings;
        this.renderer = renderer;
    }

    /**
     * @param probe      with {@link Probe.Window#FIRST_SPIKES} the transient stopped after the first
     *                   spikes (or at the probe's stop time), so each channel keeps its first crossing
     *                   only, without count or energy
     * @param occurrence how many identical probes came earlier in the same batch: repeated
     *                   measurements get independent timing-chain jitter
     */
    StimulusResult extract(Probe probe, RawFile data, int occurrence, Calibration cal) {
        Stimulus stimulus = probe.stimulus();
        boolean fullWindow = probe.window() == Probe.Window.FULL;
        double[] time = data.vector("time");
        if (time.length < 2) {
            throw new MeasurementException("ngspice returned " + time.length + " time points");
        }
        double shift = renderer.shiftNs(stimulus);
        double[] timeNs = new double[time.length];
        for (int i = 0; i < time.length; i++) {
            timeNs[i] = time[i] * 1e9 + shift;
        }
        List<ChannelResult> channels = new ArrayList<>();
        for (int ci = 0; ci < description.channels().size(); ci++) {
            ChannelSpec c = description.channels().get(ci);
            double[] v = data.vector("v(" + c.node() + ")");
            requireFinite(v, c.node());
            List<Timing> spikes = new ArrayList<>();
            List<Double> crossings = SpikeDetector.crossings(timeNs, v, c.thresholdV(), c.hysteresisV());
            if (!fullWindow && crossings.size() > 1) {
                crossings = crossings.subList(0, 1);
            }
            for (double t : crossings) {
                int channel = ci;
                double raw = settings.timingChain().map(chain -> chain.raw(channel, t,
                        Double.doubleToLongBits(t) ^ (occurrence * 0x9E3779B97F4A7C15L))).orElse(t);
                spikes.add(cal.apply(c.name(), raw));
            }
            channels.add(fullWindow ? ChannelResult.counted(c.name(), spikes) : ChannelResult.uncounted(c.name(), spikes));
        }
        if (!fullWindow) {
            return new StimulusResult(stimulus, channels, OptionalDouble.empty(), SpikeCounts.TRUNCATED,
                    OptionalDouble.of(renderer.windowEndNs(stimulus, probe.stopNs())));
        }
        double[] vdd = data.vector("v(" + settings.supplyNode() + ")");
        double[] idd = data.vector("i(" + settings.supplySource() + ")");
        double[] power = new double[time.length];
        for (int i = 0; i < time.length; i++) {
            power[i] = -vdd[i] * idd[i];
        }
        double energyPj = SpikeDetector.integrate(time, power) * 1e12;
        if (!Double.isFinite(energyPj)) {
            throw new MeasurementException("supply energy is not finite");
        }
        return new StimulusResult(stimulus, channels, OptionalDouble.of(energyPj), SpikeCounts.COMPLETE, OptionalDouble.of(settings.tstopNs()));
    }

    private static void requireFinite(double[] v, String node) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new MeasurementException("ngspice returned a non-finite voltage on node " + node);
            }
        }
    }
}
