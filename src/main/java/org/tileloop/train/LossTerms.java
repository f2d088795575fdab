package org.tileloop.train;

/**
 * A loss split into its terms, each already multiplied by its weight; {@link #total()} is their sum.
 *
 * @param timing weighted mean squared first-spike error (ns²) over the spikes present
 * @param missing weighted missing-spike penalty
 * @param count weighted spike-count mismatch
 * @param order weighted ordering-violation penalty (ns²)
 * @param energy weighted normalised energy
 * @param classification weighted classification loss (time-to-first-spike coding)
 */
public record LossTerms(double timing, double missing, double count, double order, double energy, double classification) {

    public static final java.util.List<String> NAMES = java.util.List.of("timing", "missing", "count", "order", "energy", "class");

    public LossTerms(double timing, double missing, double count, double order, double energy) {
        this(timing, missing, count, order, energy, 0);
    }

    public static LossTerms of(double[] v) {
        return new LossTerms(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    public double total() {
        return timing + missing + count + order + energy + classification;
    }

    public double[] values() {
        return new double[] {timing, missing, count, order, energy, classification};
    }

    /** Each term's share of the total in %, all zero when the total is zero. */
    public double[] percentages() {
        double total = total();
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            v[i] = total > 0 ? 100 * v[i] / total : 0;
        }
        return v;
    }
}
