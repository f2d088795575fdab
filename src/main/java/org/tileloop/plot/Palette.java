package org.tileloop.plot;

import java.awt.Color;
import java.util.List;

/**
 * The one colour scheme of every tileloop plot: a split (train, holdout), a loss term, a
 * parameter or a compared run has the same colour wherever it is drawn. Imports nothing of tileloop's,
 * so every package may draw.
 */
public final class Palette {

    /** Train loss and train series. */
    public static final Color TRAIN = new Color(0x1f77b4);
    /** Holdout loss and holdout series. */
    public static final Color HOLDOUT = new Color(0xd62728);
    /** Bounds, targets and other reference lines. */
    public static final Color REFERENCE = new Color(0x7f7f7f);

    private static final List<Color> CYCLE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
            new Color(0xbcbd22), new Color(0x7f7f7f));

    private static final List<Color> TERMS = List.of(new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf));

    private Palette() {
    }

    /** The colour of the {@code index}-th series of a kind (parameter, channel, compared run), cycling after ten. */
    public static Color series(int index) {
        return CYCLE.get(Math.floorMod(index, CYCLE.size()));
    }

    /** The colour of a loss term, by its position in the trainer's term list (timing, missing, count, order, energy, class). */
    public static Color term(int index) {
        return TERMS.get(index);
    }
}
