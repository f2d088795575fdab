package org.tileloop.plot;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;

/**
 * Tick labels that do not depend on the default locale (so a chart is the same on every machine).
 * {@link #DECADES}, for log axes: a power of ten as {@code 10} with a superscript exponent
 * ({@code 10⁻⁵}, {@code 10⁰}), any other value with two significant digits. {@link #PLAIN}, for
 * linear axes: up to ten significant digits without grouping ({@code 2500}, {@code 0.25}), in
 * scientific notation outside [10⁻⁴, 10⁷) ({@code 1.5E-13}). Format only; thread-safe.
 */
final class TickFormat extends NumberFormat {

    static final TickFormat DECADES = new TickFormat(true);
    static final TickFormat PLAIN = new TickFormat(false);

    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    private final boolean decades;

    private TickFormat(boolean decades) {
        this.decades = decades;
    }

    /** {@code value} as a tick label. */
    String label(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (decades) {
            return decade(value);
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal v = new BigDecimal(value).round(new MathContext(10)).stripTrailingZeros();
        double a = Math.abs(value);
        return a >= 1e-4 && a < 1e7 ? v.toPlainString() : v.toString().replace("E+", "E");
    }

    private static String decade(double value) {
        if (value > 0) {
            long e = Math.round(Math.log10(value));
            if (Math.abs(value / Math.pow(10, e) - 1) < 1e-9) {
                StringBuilder s = new StringBuilder("10");
                if (e < 0) {
                    s.append('⁻');
                }
                for (char c : Long.toString(Math.abs(e)).toCharArray()) {
                    s.append(SUPERSCRIPTS.charAt(c - '0'));
                }
                return s.toString();
            }
        }
        return String.format(Locale.ROOT, "%.2g", value);
    }

    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
        return toAppendTo.append(label(number));
    }

    @Override
    public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
        return toAppendTo.append(label(number));
    }

    @Override
    public Number parse(String source, ParsePosition parsePosition) {
        throw new UnsupportedOperationException("tick labels are not parsed");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TickFormat t && t.decades == decades;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(decades);
    }
}
