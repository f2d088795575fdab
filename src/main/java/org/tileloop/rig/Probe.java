package org.tileloop.rig;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One measurement request: a stimulus under a parameter vector.
 *
 * @param window {@link Window#FIRST_SPIKES} lets a rig stop once every channel has fired (the
 *               result then has each channel's first spike only, no spike counts and no energy);
 *               {@link Window#FULL} measures the whole window
 * @param stopNs with {@link Window#FIRST_SPIKES} only: the caller needs nothing after this
 *               stimulus time (ns), so a rig that can end its window early may stop there; a channel
 *               silent by then is reported silent and {@link StimulusResult#windowNs()} says where
 *               the window ended. A rig that cannot stop early ignores it. Empty: the rig's window.
 */
public record Probe(ParameterVector parameters, Stimulus stimulus, Window window, OptionalDouble stopNs) {

    /** What the caller needs from a measurement. */
    public enum Window { FULL, FIRST_SPIKES }

    public Probe {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(stimulus, "stimulus");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(stopNs, "stopNs");
        if (stopNs.isPresent()) {
            if (window != Window.FIRST_SPIKES) {
                throw new IllegalArgumentException("a stop time needs the first-spikes window (counts and energy need the whole window)");
            }
            if (!(stopNs.getAsDouble() > 0 && Double.isFinite(stopNs.getAsDouble()))) {
                throw new IllegalArgumentException("stop time " + stopNs.getAsDouble() + " ns is not a positive finite time");
            }
        }
    }

    public Probe(ParameterVector parameters, Stimulus stimulus, Window window) {
        this(parameters, stimulus, window, OptionalDouble.empty());
    }

    public Probe(ParameterVector parameters, Stimulus stimulus) {
        this(parameters, stimulus, Window.FULL);
    }

    /**
     * This probe, ending its window at {@code stopNs} at the latest.
     *
     * @throws IllegalArgumentException a {@link Window#FULL} probe (counts and energy need the whole window)
     */
    public Probe stoppingAt(double stopNs) {
        return new Probe(parameters, stimulus, window, OptionalDouble.of(stopNs));
    }
}
