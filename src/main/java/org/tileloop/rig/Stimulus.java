package org.tileloop.rig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stimulus: which inputs fire and at what delay (ns after the start of the measurement).
 * Inputs not listed stay idle.
 */
public record Stimulus(Map<String, Double> inputDelaysNs) {

    public Stimulus {
        if (inputDelaysNs.isEmpty()) {
            throw new RigConfigurationException("a stimulus fires at least one input");
        }
        inputDelaysNs = Collections.unmodifiableMap(new LinkedHashMap<>(inputDelaysNs));
    }

    /** The common case: the rig's first input fires at {@code delayNs}. */
    public static Stimulus delay(RigDescription rig, double delayNs) {
        return new Stimulus(Map.of(rig.inputs().get(0).name(), delayNs));
    }

    /** Delay of the first input listed, the stimulus's headline delay. */
    public double delayNs() {
        return inputDelaysNs.values().iterator().next();
    }
}
