package org.tileloop.train;

import java.util.List;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;

/**
 * The trainable parameters in unit coordinates: 0 at a parameter's min, 1 at its max, so ohms
 * and volts move on the same scale. Untrainable parameters keep the values of {@code base}.
 */
public record ParameterSpace(List<ParameterSpec> trainable, ParameterVector base) {

    public ParameterSpace {
        trainable = List.copyOf(trainable);
    }

    public int dimension() {
        return trainable.size();
    }

    public double[] toUnit(ParameterVector v) {
        double[] u = new double[trainable.size()];
        for (int i = 0; i < u.length; i++) {
            ParameterSpec p = trainable.get(i);
            u[i] = (v.get(p.name()) - p.min()) / p.range();
        }
        return u;
    }

    /** Maps unit coordinates (each in [0, 1]) to a full parameter vector inside the bounds. */
    public ParameterVector fromUnit(double[] u) {
        ParameterVector v = base;
        for (int i = 0; i < u.length; i++) {
            ParameterSpec p = trainable.get(i);
            if (!(u[i] >= 0 && u[i] <= 1)) {
                throw new IllegalArgumentException(p.name() + " unit coordinate " + u[i] + " outside [0, 1]");
            }
            v = v.with(p.name(), Math.min(p.max(), Math.max(p.min(), p.min() + u[i] * p.range())));
        }
        return v;
    }
}
