package org.tileloop.train;

/**
 * A loss split into its terms, each already multiplied by its weight; {@link #total()} is their sum.
 *
 * @param timing weighted mean squared first-spike error (ns²) over the spikes present
 * @param missing weighted missing-spike penalty
 * @param count weighted spike-count mismatch
 * @param order weighted ordering-violation penalty (ns²)
 * @param energy weighted normalised energy
 */
public record LossTerms(double timing, double missing, double count, double order, double energy) {

    public static final java.util.List<String> NAMES = java.util.List.of("timing", "missing", "count", "order", "energy");

    public double total() {
        return timing + missing + count + order + energy;
    }

    public double[] values() {
        return new double[] {timing, missing, count, order, energy};
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
