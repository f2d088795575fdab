package org.tileloop.rig;

import java.util.Arrays;
import java.util.Optional;

/**
 * The physical units a rig parameter may be given in, each with its plausibility rule: quantities
 * that cannot be negative or zero (resistance, capacitance, inductance, times, frequency) must be
 * {@code > 0}, and every value must lie within the unit's absolute ceiling. A rig file whose
 * bounds, default or safety limits break the rule is refused (README "Safety").
 */
public enum Unit {
    OHM("ohm", true, 1e9),
    FARAD("F", true, 1.0),
    HENRY("H", true, 1e3),
    SECOND("s", true, 1e4),
    NANOSECOND("ns", true, 1e7),
    PICOSECOND("ps", true, 1e10),
    HERTZ("Hz", true, 1e12),
    VOLT("V", false, 100),
    AMPERE("A", false, 10),
    DIMENSIONLESS("1", false, 1e6);

    private final String symbol;
    private final boolean positive;
    private final double ceiling;

    Unit(String symbol, boolean positive, double ceiling) {
        this.symbol = symbol;
        this.positive = positive;
        this.ceiling = ceiling;
    }

    public String symbol() {
        return symbol;
    }

    public static Optional<Unit> of(String symbol) {
        return Arrays.stream(values()).filter(u -> u.symbol.equals(symbol)).findFirst();
    }

    public boolean plausible(double value) {
        return Double.isFinite(value) && Math.abs(value) <= ceiling && (!positive || value > 0);
    }

    /** The rule in words, e.g. {@code > 0 and at most 1e9 ohm}. */
    public String rule() {
        String max = Numbers.plain(ceiling) + " " + symbol;
        return positive ? "> 0 and at most " + max : "between -" + max + " and " + max;
    }
}
