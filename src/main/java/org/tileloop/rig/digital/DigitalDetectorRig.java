package org.tileloop.rig.digital;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * A clocked digital model of the tile's temporal detector: discrete-time leaky integrate-and-fire
 * neurons in the same feed-forward chain, with the tile's parameters mapped onto it (coupling
 * r_fb, leak rleak, drive iin_amp / iin1_amp, per-neuron scales). Per clock of period Δ:
 * {@code v ← v − v·Δ/τ + I·Δ/C}, τ = rleak·C, C = 100 fF; neuron 0's input current is
 * (iin_amp − 0.55 V)/8 kΩ while in0's pulse lasts plus (iin1_amp − 1.2 V)/20 kΩ while in1's does;
 * neuron k gets (1.8 V − v)/r_fb while neuron k−1's output is high (0.4 ns or one clock after its spike, seen
 * from the next clock on: the design is synchronous, so a spike crosses one stage per clock at least);
 * spike at 0.9 V, reset to 0, 0.8 ns refractory. The register holds v in {@code bits}-bit fixed
 * point over [0, 1.8 V] (updates smaller than half an LSB are lost). First spikes are clock ticks;
 * energy is the per-operation model of {@link DigitalSettings} over every neuron and tick of the window.
 */
public final class DigitalDetectorRig extends org.tileloop.rig.AbstractRig {

    static final double C_F = 100e-15;
    static final double VTH = 0.9;
    static final double VDD = 1.8;
    static final double PULSE_NS = 0.4;
    static final double REFRACTORY_NS = 0.8;

    private final RigDescription description;
    private final DigitalSettings settings;

    public DigitalDetectorRig(RigDescription description, DigitalSettings settings) {
        super(IdentityCalibration.INSTANCE);
        this.description = description;
        this.settings = settings;
    }

    @Override
    public RigDescription description() {
        return description;
    }

    @Override
    public List<StimulusResult> measure(List<Probe> batch) {
        List<StimulusResult> out = new ArrayList<>();
        for (Probe p : batch) {
            description.validate(p.parameters());
            description.validate(p.stimulus(), settings.tstopNs());
            out.add(simulate(p));
        }
        return out;
    }

    private double value(ParameterVector v, String name, double fallback) {
        return description.parameter(name).isPresent() ? v.get(name) : fallback;
    }

    StimulusResult simulate(Probe p) {
        ParameterVector v = p.parameters();
        int n = description.channels().size();
        double dtNs = settings.periodNs();
        double dt = dtNs * 1e-9;
        double lsb = VDD / ((1L << settings.bits()) - 1);
        double[] onNs = new double[description.inputs().size()];
        double[] widthNs = new double[onNs.length];
        double[] amp = new double[onNs.length];
        for (int i = 0; i < onNs.length; i++) {
            InputSpec in = description.inputs().get(i);
            Double d = p.stimulus().inputDelaysNs().get(in.name());
            onNs[i] = d == null ? -1 : d;
            widthNs[i] = in.widthNs();
            amp[i] = v.get(in.amplitudeParameter());
        }
        double rFb = v.get("r_fb");
        double[] rLeak = new double[n];
        double[] rCouple = new double[n];
        String[] fb = {"", "fb_scale01", "fb_scale12", "fb_scale23"};
        for (int c = 0; c < n; c++) {
            rLeak[c] = v.get("rleak") * value(v, "rleak_scale" + c, 1);
            rCouple[c] = c == 0 ? 0 : rFb * value(v, c < fb.length ? fb[c] : "", 1);
        }
        double[] mem = new double[n];
        double[] spikeEnd = new double[n];
        double[] spikeAt = new double[n];
        java.util.Arrays.fill(spikeEnd, -1e9);
        java.util.Arrays.fill(spikeAt, -1e9);
        double pulseNs = Math.max(PULSE_NS, dtNs);
        List<List<Timing>> spikes = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            spikes.add(new ArrayList<>());
        }
        long ticks = (long) Math.floor(settings.tstopNs() / dtNs);
        for (long k = 1; k <= ticks; k++) {
            double t = k * dtNs;
            double[] outputEnd = spikeEnd.clone();
            double[] outputStart = spikeAt.clone();
            for (int c = 0; c < n; c++) {
                if (t < spikeAt[c] + PULSE_NS + REFRACTORY_NS) {
                    continue;
                }
                double current = 0;
                if (c == 0) {
                    if (onNs[0] >= 0 && t > onNs[0] && t <= onNs[0] + widthNs[0] && amp[0] > 0.55) {
                        current += (amp[0] - 0.55) / 8000.0;
                    }
                    if (onNs.length > 1 && onNs[1] >= 0 && t > onNs[1] && t <= onNs[1] + widthNs[1] && amp[1] > 1.2) {
                        current += (amp[1] - 1.2) / 20000.0;
                    }
                } else if (t <= outputEnd[c - 1] && t > outputStart[c - 1]) {
                    current = (VDD - mem[c]) / rCouple[c];
                }
                double next = mem[c] - mem[c] * dt / (rLeak[c] * C_F) + current * dt / C_F;
                mem[c] = Math.max(0, Math.min(VDD, Math.round(next / lsb) * lsb));
                if (mem[c] >= VTH) {
                    spikes.get(c).add(calibration().apply(description.channels().get(c).name(), t));
                    mem[c] = 0;
                    spikeAt[c] = t;
                    spikeEnd[c] = t + pulseNs;
                }
            }
        }
        List<ChannelResult> channels = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            ChannelSpec spec = description.channels().get(c);
            channels.add(ChannelResult.counted(spec.name(), spikes.get(c)));
        }
        return new StimulusResult(p.stimulus(), channels, OptionalDouble.of(ticks * n * settings.energyPerNeuronTickPj()), SpikeCounts.COMPLETE,
                OptionalDouble.of(ticks * dtNs));
    }

    @Override
    public java.util.Map<String, String> provenance() {
        return java.util.Map.of("model", "digital LIF chain", "clock_ghz", Double.toString(settings.clockGhz()),
                "bits", Integer.toString(settings.bits()));
    }



    @Override
    public void close() {
    }

    public DigitalSettings settings() {
        return settings;
    }
}
