package org.tileloop.rig;

/**
 * One settable parameter of a rig.
 *
 * @param min lower training bound
 * @param max upper training bound
 * @param safetyMin hardware safety limit: no value below it ever reaches the tile
 * @param safetyMax hardware safety limit: no value above it ever reaches the tile
 * @param trainable whether it is in the default trainable set
 */
public record ParameterSpec(String name, String unit, double min, double max, double defaultValue,
                            double safetyMin, double safetyMax, boolean trainable) {

    public double range() {
        return max - min;
    }

    /** Whether {@code value} is finite and inside both the training bounds and the safety limits. */
    public boolean accepts(double value) {
        return Double.isFinite(value) && value >= min && value <= max && value >= safetyMin && value <= safetyMax;
    }

    public String allowedRange() {
        return "[" + Numbers.plain(min) + ", " + Numbers.plain(max) + "] " + unit;
    }
}
