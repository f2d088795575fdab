package org.tileloop.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.tileloop.rig.Numbers;
import org.tileloop.run.RunListener;
import org.tileloop.train.Iteration;

/**
 * Training progress: a redrawn bar with losses and ETA on a terminal, one plain line per
 * iteration otherwise (logs, CI). The ETA is the mean iteration time of this process so far
 * times the iterations left.
 */
final class ProgressDisplay implements RunListener {
    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final long startNs = System.nanoTime();
    private int done;
    private boolean open;

    ProgressDisplay(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void iteration(Iteration p) {
        done++;
        int left = p.last() ? 0 : p.iterations() - p.index();
        double perIterS = (System.nanoTime() - startNs) / 1e9 / done;
        String holdout = p.holdout().map(h -> Numbers.sig(h.total())).orElse("-");
        String eta = left == 0 ? "done" : "ETA " + clock(perIterS * left);
        if (terminal) {
            int filled = (int) Math.round(WIDTH * (p.last() ? 1.0 : (p.index() + 1.0) / (p.iterations() + 1.0)));
            out.printf(Locale.ROOT, "\r[%s%s] %d/%d  loss (ns²) train %s  holdout %s  %s   ", "#".repeat(filled), ".".repeat(WIDTH - filled),
                    p.index(), p.iterations(), Numbers.sig(p.train().total()), holdout, eta);
            open = left > 0;
            if (!open) {
                out.println();
            }
        } else {
            out.printf(Locale.ROOT, "iteration %d/%d  loss_train_ns2 %s  loss_holdout_ns2 %s  measurements %d  %s%n", p.index(),
                    p.iterations(), Numbers.sig(p.train().total()), holdout, p.measurements(), eta);
        }
        out.flush();
    }

    /** Ends a bar left open by an interrupted run. */
    void finish() {
        if (open) {
            out.println();
            out.flush();
            open = false;
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
