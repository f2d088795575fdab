package org.tileloop.rig;

/**
 * One measurement request: a stimulus under a parameter vector.
 *
 * @param window {@link Window#FIRST_SPIKES} lets a rig stop once every channel has fired (the
 *               result then has each channel's first spike only, no spike counts and no energy);
 *               {@link Window#FULL} measures the whole window
 */
public record Probe(ParameterVector parameters, Stimulus stimulus, Window window) {

    /** What the caller needs from a measurement. */
    public enum Window { FULL, FIRST_SPIKES }

    public Probe(ParameterVector parameters, Stimulus stimulus) {
        this(parameters, stimulus, Window.FULL);
    }
}
