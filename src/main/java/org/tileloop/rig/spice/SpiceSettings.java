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
 */
public record SpiceSettings(Path netlistTemplate, double tstopNs, StepControl step, double timingTolerancePs, String supplySource,
                            String supplyNode, double timeoutS, int workers, Optional<TimingChain> timingChain,
                            Optional<Mismatch> mismatch) {

    /** Default of {@code simulator.timing_tolerance_ps}. */
    public static final double DEFAULT_TIMING_TOLERANCE_PS = 1;

    public int effectiveWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    public SpiceSettings withStep(StepControl s) {
        return new SpiceSettings(netlistTemplate, tstopNs, s, timingTolerancePs, supplySource, supplyNode, timeoutS, workers, timingChain, mismatch);
    }

    public SpiceSettings withWorkers(int n) {
        return new SpiceSettings(netlistTemplate, tstopNs, step, timingTolerancePs, supplySource, supplyNode, timeoutS, n, timingChain, mismatch);
    }

    public SpiceSettings withTimingChain(Optional<TimingChain> chain) {
        return new SpiceSettings(netlistTemplate, tstopNs, step, timingTolerancePs, supplySource, supplyNode, timeoutS, workers, chain, mismatch);
    }

    public SpiceSettings withMismatch(Optional<Mismatch> m) {
        return new SpiceSettings(netlistTemplate, tstopNs, step, timingTolerancePs, supplySource, supplyNode, timeoutS, workers, timingChain, m);
    }
}
