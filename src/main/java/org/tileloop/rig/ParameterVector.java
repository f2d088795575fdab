package org.tileloop.rig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parameter values by name, in the rig's declaration order. Validate with {@link RigDescription#validate(ParameterVector)}. */
public record ParameterVector(Map<String, Double> values) {

    public ParameterVector {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public double get(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new RigConfigurationException("no value for parameter " + name);
        }
        return v;
    }

    public ParameterVector with(String name, double value) {
        Map<String, Double> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new ParameterVector(copy);
    }
}
