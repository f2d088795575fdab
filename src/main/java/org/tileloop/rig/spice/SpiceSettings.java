package org.tileloop.rig.spice;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the simulated rig runs ngspice.
 *
 * @param netlistTemplate   the circuit body (see {@link NetlistTemplate})
 * @param tstopNs           transient window
 * @param step              time-step control of the transient (see {@link StepControl})
 * @param timingTolerancePs how far a first spike may sit from the fine reference ({@link StepControl#REFERENCE});
 *                          {@code tileloop rig tune-step} picks {@code step} within it
 * @param supplySource      voltage source whose current is integrated into energy
 * @param supplyNode        node of that source's positive terminal
 * @param timeoutS          wall-clock limit per stimulus
 * @param workers           parallel ngspice processes per batch; 0 = number of cores
 * @param timingChain       when present, spike times pass through this model of a timing chain
 * @param mismatch          when present, this instance's process mismatch
 * @param firstSpikeEnd     how a first-spikes transient ends once every channel has fired
 */
public record SpiceSettings(Path netlistTemplate, double tstopNs, StepControl step, double timingTolerancePs, String supplySource,
                            String supplyNode, double timeoutS, int workers, Optional<TimingChain> timingChain,
                            Optional<Mismatch> mismatch, FirstSpikeEnd firstSpikeEnd) {

    /** How a first-spikes transient ends once every channel has fired. */
    public enum FirstSpikeEnd {
        /** ngspice breakpoints, re-armed from the worker's commands ({@link FirstSpikeStop}); what a rig file gets. */
        BREAKPOINTS,
        /**
         * ngspice's {@code .options autostop} in the netlist: what tileloop used before breakpoints, the
         * same transient but about twice the cost (kept as {@code bench sim}'s baseline and for the test
         * that both end in the same place).
         */
        AUTOSTOP
    }

    /** Default of {@code simulator.timing_tolerance_ps}. */
    public static final double DEFAULT_TIMING_TOLERANCE_PS = 1;

    public int effectiveWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    public SpiceSettings withStep(StepControl s) {
        return new SpiceSettings(netlistTemplate, tstopNs, s, timingTolerancePs, supplySource, supplyNode, timeoutS, workers, timingChain, mismatch, firstSpikeEnd);
    }

    public SpiceSettings withWorkers(int n) {
        return new SpiceSettings(netlistTemplate, tstopNs, step, timingTolerancePs, supplySource, supplyNode, timeoutS, n, timingChain, mismatch, firstSpikeEnd);
    }

    public SpiceSettings withTimingChain(Optional<TimingChain> chain) {
        return new SpiceSettings(netlistTemplate, tstopNs, step, timingTolerancePs, supplySource, supplyNode, timeoutS, workers, chain, mismatch, firstSpikeEnd);
    }

    public SpiceSettings withFirstSpikeEnd(FirstSpikeEnd end) {
        return new SpiceSettings(netlistTemplate, tstopNs, step, timingTolerancePs, supplySource, supplyNode, timeoutS, workers, timingChain, mismatch, end);
    }

    public SpiceSettings withMismatch(Optional<Mismatch> m) {
        return new SpiceSettings(netlistTemplate, tstopNs, step, timingTolerancePs, supplySource, supplyNode, timeoutS, workers, timingChain, m, firstSpikeEnd);
    }
}
