package org.tileloop.train;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * A two-channel fake with a firing threshold and a 20 ns window: n0 always fires, at
 * {@code delay + 1 − (iin_amp − 1.4)} ns; n1 is silent below {@code iin_amp} = 1.5 V and fires at
 * {@code delay + 2 − 4 (iin_amp − 1.5)} ns from there on, so a target of {@code delay + 1.4} for n1
 * has its optimum at {@code iin_amp} = 1.65 V.
 */
final class SilentChannelRig implements Rig {

    static final double WINDOW_NS = 20;
    static final double THRESHOLD_V = 1.5;
    static final RigDescription DESCRIPTION = new RigDescription("silent-fake", RigKind.SIMULATED, "threshold fake", List.of(
            new ParameterSpec("iin_amp", "V", 1.2, 1.8, 1.4, 0, 2, true)),
            List.of(new ChannelSpec("n0", "", 0.9, 0), new ChannelSpec("n1", "", 0.9, 0)),
            List.of(new InputSpec("in0", "", "", "iin_amp", 0.05, 10)));

    int probes;

    /** n1's first spike (ns), or NaN when it stays silent. */
    static double n1Ns(double delayNs, double iin) {
        return iin < THRESHOLD_V ? Double.NaN : delayNs + 2 - 4 * (iin - THRESHOLD_V);
    }

    @Override
    public RigDescription description() {
        return DESCRIPTION;
    }

    @Override
    public List<StimulusResult> measure(List<Probe> batch) {
        probes += batch.size();
        List<StimulusResult> out = new ArrayList<>();
        for (Probe p : batch) {
            double d = p.stimulus().delayNs();
            double iin = p.parameters().get("iin_amp");
            double n1 = n1Ns(d, iin);
            List<ChannelResult> channels = List.of(
                    ChannelResult.uncounted("n0", List.of(new Timing(d + 1 - (iin - 1.4), d + 1 - (iin - 1.4), "identity"))),
                    ChannelResult.uncounted("n1", Double.isNaN(n1) ? List.of() : List.of(new Timing(n1, n1, "identity"))));
            out.add(new StimulusResult(p.stimulus(), channels, OptionalDouble.empty(), SpikeCounts.TRUNCATED, OptionalDouble.of(WINDOW_NS)));
        }
        return out;
    }

    @Override
    public Calibration calibration() {
        return IdentityCalibration.INSTANCE;
    }

    @Override
    public void useCalibration(Calibration calibration) {
    }

    @Override
    public void close() {
    }
}
