package org.tileloop.telemetry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tileloop.train.LossTerms;

/**
 * The metric catalogue the birth message announces: the losses, one entry per loss term of
 * {@link LossTerms#NAMES} (the same names key {@code terms_train}, {@code terms_holdout} and
 * {@code pct} in iteration messages), and the per-trace and per-run quantities.
 */
public final class Metrics {

    /** One metric and its unit ({@code 1}: dimensionless). */
    public record Metric(String name, String unit) {
    }

    /**
     * Units of the loss terms, by name; a term of {@link LossTerms#NAMES} missing here fails class
     * initialisation. {@code class} is the default softmax cross-entropy's (with {@code class_loss:
     * hinge} the term is in ns²).
     */
    private static final Map<String, String> TERM_UNITS = Map.of("timing", "ns^2", "missing", "1", "count", "1", "order", "ns^2",
            "energy", "1", "class", "1");

    /** The catalogue, in birth-message order. */
    public static final List<Metric> ALL = catalogue();

    private Metrics() {
    }

    private static List<Metric> catalogue() {
        List<Metric> m = new ArrayList<>(List.of(new Metric("loss_train_ns2", "ns^2"), new Metric("loss_holdout_ns2", "ns^2")));
        for (String term : LossTerms.NAMES) {
            String unit = TERM_UNITS.get(term);
            if (unit == null) {
                throw new IllegalStateException("loss term '" + term + "' has no unit in the telemetry metric catalogue");
            }
            m.add(new Metric(term, unit));
        }
        m.addAll(List.of(new Metric("first_spike_ns", "ns"), new Metric("first_spike_raw_ns", "ns"), new Metric("drift_ps", "ps"),
                new Metric("measurements", "1"), new Metric("parameters", "rig units")));
        return List.copyOf(m);
    }

    /** The catalogue as the birth message's {@code metrics}: objects with {@code name} and {@code unit}. */
    public static ArrayNode json() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        ALL.forEach(m -> a.addObject().put("name", m.name()).put("unit", m.unit()));
        return a;
    }
}
