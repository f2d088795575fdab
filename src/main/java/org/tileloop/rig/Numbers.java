package org.tileloop.rig;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Locale-independent number formatting shared by messages, netlists and artifacts. */
public final class Numbers {
    private Numbers() {
    }

    /** Shortest plain decimal that round-trips the double ({@code 5000}, {@code 1.5}). */
    public static String plain(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        BigDecimal d = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** Significant figures of tables for people: {@link #sig(double, int)} with 4. */
    public static String sig(double value) {
        return sig(value, 4);
    }

    /**
     * {@code digits} significant figures, trailing zeros kept so columns compare: plain decimal
     * from 0.001 to below 1e6 ({@code 0.003203}, {@code 2400}), scientific outside
     * ({@code 1.337e-05}); {@code 0} as {@code 0}.
     */
    public static String sig(double value, int digits) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        double a = Math.abs(value);
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(digits));
        if (a < 1e-3 || rounded.abs().compareTo(BigDecimal.valueOf(1_000_000)) >= 0) {
            return String.format(Locale.ROOT, "%." + (digits - 1) + "e", value);
        }
        if (rounded.scale() < 0) {
            rounded = rounded.setScale(0);
        }
        return rounded.toPlainString();
    }
}
