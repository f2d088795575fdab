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

/**
 * A two-channel rig with a smooth, known response and no simulator: channel n0 fires at
 * {@code delay + 1 + 0.0005 (r_fb − 3000) − (iin_amp − 1.4)} ns, n1 at
 * {@code delay + 1.5 + 0.0002 (r_fb − 3000) + 2 (iin_amp − 1.4)} ns. It records every batch and
 * every reference measurement; its reference path reads {@code driftNs} late.
 */
public final class RecordingRig implements Rig {

    public static final RigDescription DESCRIPTION = new RigDescription("fake", RigKind.SIMULATED, "recording fake", List.of(
            new ParameterSpec("r_fb", "ohm", 2000, 6000, 3000, 1000, 20000, true),
            new ParameterSpec("iin_amp", "V", 1.2, 1.8, 1.4, 0, 2, true)),
            List.of(new ChannelSpec("n0", "", 0.9, 0), new ChannelSpec("n1", "", 0.9, 0)),
            List.of(new InputSpec("in0", "", "", "iin_amp", 0.05, 10)));

    final List<List<Probe>> batches = new ArrayList<>();
    int references;
    double driftNs;
    private Calibration calibration = IdentityCalibration.INSTANCE;

    private final double sensitivity;
    private final double offsetNs;
    private boolean honoursStopTimes;

    /** The nominal fake, ending each probe at its stop time like a simulated rig: a later spike is not seen. */
    static RecordingRig stopping() {
        RecordingRig r = new RecordingRig();
        r.honoursStopTimes = true;
        return r;
    }

    @Override
    public boolean honoursStopTimes() {
        return honoursStopTimes;
    }

    /** The nominal fake. */
    public RecordingRig() {
        this(1, 0);
    }

    /**
     * A mismatched instance: every parameter's effect on the first spikes is {@code sensitivity}
     * times the nominal one, and every first spike comes {@code offsetNs} later.
     */
    public RecordingRig(double sensitivity, double offsetNs) {
        this.sensitivity = sensitivity;
        this.offsetNs = offsetNs;
    }

    /** The first-spike times (ns) of both channels for {@code delayNs} at the given parameters. */
    static double[] firstSpikesNs(double delayNs, double rfb, double iin) {
        return firstSpikesNs(delayNs, rfb, iin, 1, 0);
    }

    /** The same for a mismatched instance. */
    static double[] firstSpikesNs(double delayNs, double rfb, double iin, double sensitivity, double offsetNs) {
        return new double[] {delayNs + 1 + offsetNs + sensitivity * (0.0005 * (rfb - 3000) - (iin - 1.4)),
            delayNs + 1.5 + offsetNs + sensitivity * (0.0002 * (rfb - 3000) + 2 * (iin - 1.4))};
    }

    @Override
    public RigDescription description() {
        return DESCRIPTION;
    }

    @Override
    public List<StimulusResult> measure(List<Probe> batch) {
        batches.add(List.copyOf(batch));
        List<StimulusResult> out = new ArrayList<>();
        for (Probe p : batch) {
            double[] t = firstSpikesNs(p.stimulus().delayNs(), p.parameters().get("r_fb"), p.parameters().get("iin_amp"), sensitivity, offsetNs);
            List<ChannelResult> channels = new ArrayList<>();
            boolean full = p.window() == Probe.Window.FULL;
            for (int c = 0; c < t.length; c++) {
                String name = DESCRIPTION.channels().get(c).name();
                boolean cut = honoursStopTimes && p.stopNs().isPresent() && t[c] > p.stopNs().getAsDouble();
                List<org.tileloop.rig.Timing> spikes = cut ? List.of() : List.of(calibration.apply(name, t[c]));
                channels.add(full ? ChannelResult.counted(name, spikes) : ChannelResult.uncounted(name, spikes));
            }
            OptionalDouble windowNs = honoursStopTimes && p.stopNs().isPresent() ? p.stopNs() : OptionalDouble.empty();
            out.add(new StimulusResult(p.stimulus(), channels, OptionalDouble.empty(), full ? SpikeCounts.COMPLETE : SpikeCounts.TRUNCATED, windowNs));
        }
        return out;
    }

    @Override
    public List<Double> measureReference(double delayNs) {
        references++;
        return List.of(delayNs + driftNs, delayNs + driftNs);
    }

    int probes() {
        return batches.stream().mapToInt(List::size).sum();
    }

    @Override
    public Calibration calibration() {
        return calibration;
    }

    @Override
    public void useCalibration(Calibration c) {
        calibration = c;
    }

    @Override
    public void close() {
    }
}
