package org.tileloop.rig;

/** One measurement request: a stimulus under a parameter vector. */
public record Probe(ParameterVector parameters, Stimulus stimulus) {
}
