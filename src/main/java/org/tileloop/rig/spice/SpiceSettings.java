package org.tileloop.rig.spice;

import java.nio.file.Path;

/**
 * How the simulated rig runs ngspice.
 *
 * @param netlistTemplate the circuit body (see {@link NetlistTemplate})
 * @param tstopNs transient window
 * @param maxStepNs maximum simulator time step (also the print step)
 * @param supplySource voltage source whose current is integrated into energy
 * @param supplyNode node of that source's positive terminal
 * @param timeoutS wall-clock limit per stimulus
 * @param workers parallel ngspice processes per batch; 0 = number of cores
 * @param timingChain when present, spike times pass through this model of a timing chain
 * @param mismatch when present, this instance's process mismatch
 */
public record SpiceSettings(Path netlistTemplate, double tstopNs, double maxStepNs, String supplySource,
                            String supplyNode, double timeoutS, int workers, java.util.Optional<TimingChain> timingChain,
                            java.util.Optional<Mismatch> mismatch) {

    public SpiceSettings(Path netlistTemplate, double tstopNs, double maxStepNs, String supplySource, String supplyNode,
                         double timeoutS, int workers, java.util.Optional<TimingChain> timingChain) {
        this(netlistTemplate, tstopNs, maxStepNs, supplySource, supplyNode, timeoutS, workers, timingChain, java.util.Optional.empty());
    }

    public int effectiveWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }
}
