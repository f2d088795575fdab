package org.tileloop.rig.spice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tileloop.rig.ParameterVector;

/**
 * Per-instance process mismatch of a simulated tile (rig file {@code simulator.mismatch}): each
 * listed parameter is multiplied by a fixed factor 1 + spread·N(0, 1) drawn once from
 * {@code seed}, so two rig files that differ only in the seed behave like two chips. The factors
 * apply to the values the caller asked for, after validation; the result must still lie inside
 * the parameter's safety limits (checked by the rig).
 */
public record Mismatch(long seed, double spread, List<String> parameters) {

    public Mismatch {
        parameters = List.copyOf(parameters);
    }

    public Map<String, Double> factors() {
        Random rnd = new Random(seed);
        Map<String, Double> f = new LinkedHashMap<>();
        for (String p : parameters) {
            f.put(p, 1 + spread * rnd.nextGaussian());
        }
        return f;
    }

    public ParameterVector apply(ParameterVector v, Map<String, Double> factors) {
        for (var e : factors.entrySet()) {
            v = v.with(e.getKey(), v.get(e.getKey()) * e.getValue());
        }
        return v;
    }
}
