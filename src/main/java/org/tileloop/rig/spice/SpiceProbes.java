package org.tileloop.rig.spice;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;

/**
 * What a simulated rig runs for each probe: the validated netlist of this instance (the requested
 * values times the mismatch factors), and each probe's <em>occurrence</em>, how many probes with
 * the same netlist came earlier in the batch (repeated measurements get independent timing-chain
 * jitter). A batch split into chunks measures the same as the whole batch when every chunk keeps
 * the occurrences computed over the whole batch. Needs no simulator; immutable and thread-safe.
 */
public final class SpiceProbes {

    private final RigDescription description;
    private final SpiceSettings settings;
    private final NetlistRenderer renderer;
    private final Map<String, Double> mismatchFactors;

    public SpiceProbes(RigDescription description, SpiceSettings settings) {
        this.description = description;
        this.settings = settings;
        this.renderer = NetlistRenderer.of(description, settings);
        this.mismatchFactors = settings.mismatch().map(Mismatch::factors).orElse(Map.of());
    }

    /**
     * The netlist simulated for {@code probe}, after validating its vector and stimulus.
     *
     * @throws RigConfigurationException a value outside its limits, or mismatch taking one outside its safety limits
     */
    public String netlist(Probe probe) {
        description.validate(probe.parameters());
        description.validate(probe.stimulus(), settings.tstopNs());
        return renderer.render(instance(probe.parameters()), probe.stimulus(), probe.window() == Probe.Window.FIRST_SPIKES, probe.stopNs());
    }

    /** The netlists of a batch, in batch order; see {@link #netlist}. */
    public List<String> netlists(List<Probe> batch) {
        return batch.stream().map(this::netlist).toList();
    }

    /** Per probe, how many earlier probes of the batch have the same netlist. */
    public static int[] occurrences(List<String> netlists) {
        int[] occurrence = new int[netlists.size()];
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < netlists.size(); i++) {
            occurrence[i] = seen.merge(netlists.get(i), 1, Integer::sum) - 1;
        }
        return occurrence;
    }

    /**
     * The raw times the {@code count}-th reference edge (1, 2, …, per rig instance) reads on each
     * channel, in channel order: exact without a timing chain, else passed through its model.
     *
     * @throws RigConfigurationException a delay outside {@code [0, tstop_ns]}
     */
    public List<Double> reference(double delayNs, long count) {
        if (!(delayNs >= 0 && delayNs <= settings.tstopNs())) {
            throw new RigConfigurationException("rig " + description.id() + ": reference delay "
                    + Numbers.plain(delayNs) + " ns is outside [0, " + Numbers.plain(settings.tstopNs())
                    + "] ns (the simulator's window; set calibration.reference_delays_ns in the rig file)");
        }
        long salt = ~count;
        List<Double> raw = new java.util.ArrayList<>();
        for (int c = 0; c < description.channels().size(); c++) {
            int channel = c;
            raw.add(settings.timingChain().map(chain -> chain.raw(channel, delayNs, salt)).orElse(delayNs));
        }
        return raw;
    }

    /** This instance's values: the requested ones times the mismatch factors, still inside the safety limits. */
    ParameterVector instance(ParameterVector v) {
        if (mismatchFactors.isEmpty()) {
            return v;
        }
        ParameterVector m = settings.mismatch().orElseThrow().apply(v, mismatchFactors);
        for (String name : mismatchFactors.keySet()) {
            ParameterSpec spec = description.parameter(name).orElseThrow();
            double x = m.get(name);
            if (!(x >= spec.safetyMin() && x <= spec.safetyMax())) {
                throw new RigConfigurationException("rig " + description.id() + ": mismatch takes " + name + " to "
                        + Numbers.plain(x) + ", outside the safety limits [" + Numbers.plain(spec.safetyMin())
                        + ", " + Numbers.plain(spec.safetyMax()) + "]");
            }
        }
        return m;
    }
}
