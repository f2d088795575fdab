package org.tileloop.rig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A rig's identity and interface: its parameters, output channels and inputs. */
public record RigDescription(String id, RigKind kind, String description, List<ParameterSpec> parameters,
                             List<ChannelSpec> channels, List<InputSpec> inputs) {

    public RigDescription {
        parameters = List.copyOf(parameters);
        channels = List.copyOf(channels);
        inputs = List.copyOf(inputs);
    }

    public Optional<ParameterSpec> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public ParameterVector defaults() {
        Map<String, Double> values = new LinkedHashMap<>();
        parameters.forEach(p -> values.put(p.name(), p.defaultValue()));
        return new ParameterVector(values);
    }

    /**
     * The defaults with {@code overrides} applied, validated.
     *
     * @throws RigConfigurationException an unknown name or a value outside its bounds
     */
    public ParameterVector withOverrides(Map<String, Double> overrides) {
        Map<String, Double> values = new LinkedHashMap<>(defaults().values());
        overrides.forEach((name, value) -> {
            if (!values.containsKey(name)) {
                throw new RigConfigurationException("rig " + id + ": unknown parameter '" + printable(name)
                        + "'; known: " + String.join(", ", values.keySet()));
            }
            values.put(name, value);
        });
        ParameterVector vector = new ParameterVector(values);
        validate(vector);
        return vector;
    }

    /**
     * Checks that the vector sets exactly this rig's parameters, each finite and inside its
     * bounds and safety limits.
     *
     * @throws RigConfigurationException naming the parameter and its allowed range
     */
    public void validate(ParameterVector vector) {
        for (String name : vector.values().keySet()) {
            if (parameter(name).isEmpty()) {
                throw new RigConfigurationException("rig " + id + ": unknown parameter '" + printable(name) + "'");
            }
        }
        for (ParameterSpec spec : parameters) {
            Double value = vector.values().get(spec.name());
            if (value == null) {
                throw new RigConfigurationException("rig " + id + ": parameter " + spec.name() + " has no value");
            }
            if (!spec.accepts(value)) {
                throw new RigConfigurationException("rig " + id + ": parameter " + spec.name() + " = "
                        + Numbers.plain(value) + " is outside the allowed range " + spec.allowedRange()
                        + " (hardware safety limit [" + Numbers.plain(spec.safetyMin()) + ", "
                        + Numbers.plain(spec.safetyMax()) + "])");
            }
        }
    }

    /**
     * Checks that every input named by the stimulus exists and every delay is finite and inside
     * {@code [0, maxDelayNs]}.
     */
    public void validate(Stimulus stimulus, double maxDelayNs) {
        stimulus.inputDelaysNs().forEach((input, delay) -> {
            if (inputs.stream().noneMatch(i -> i.name().equals(input))) {
                throw new RigConfigurationException("rig " + id + ": unknown input '" + printable(input) + "'");
            }
            if (!Double.isFinite(delay) || delay < 0 || delay > maxDelayNs) {
                throw new RigConfigurationException("rig " + id + ": delay of input " + input + " = "
                        + Numbers.plain(delay) + " ns is outside the allowed range [0, " + Numbers.plain(maxDelayNs) + "] ns");
            }
        });
    }

    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
