package org.tileloop.rig;

import java.math.BigDecimal;

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
}
