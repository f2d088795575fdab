package org.tileloop.benchmark;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;
import org.tileloop.rig.spice.SpiceSettings;
import org.tileloop.rig.spice.StepControl;
import org.tileloop.rig.spice.StepTuner;

/**
 * The {@code bench sim} rows on how a measurement is simulated: today's (the untuned step
 * {@link StepControl#UNTUNED}, ended by ngspice's autostop), the untuned step ended by breakpoints,
 * and the rig file's own {@code simulator.step}, all through the rig on the same probes (same worker
 * count, runs interleaved, best of {@link SimBenchmark#REPEATS}), the speed-ups, and each step's
 * worst first-spike change against the fine reference {@link StepControl#REFERENCE} on a subset,
 * each row simulated its own way.
 */
final class StepBenchmark {

    /** Probes checked against the reference (it costs ~20× a measurement). */
    static final int CHECKED = 60;

    private StepBenchmark() {
    }

    /** @return the rig file's measurements/s over today's (untuned step, autostop) */
    static double run(RigDescription description, SpiceSettings settings, Ngspice ngspice, List<Probe> probes, PrintWriter out) {
        SpiceSettings untuned = settings.withStep(StepControl.UNTUNED);
        SpiceSettings[] rows = {untuned.withFirstSpikeEnd(SpiceSettings.FirstSpikeEnd.AUTOSTOP),
                untuned.withFirstSpikeEnd(SpiceSettings.FirstSpikeEnd.BREAKPOINTS), settings};
        String[] names = {"today   ", "untuned ", "rig file"};
        String[] ends = {"autostop", "breakpoints", "breakpoints"};
        double[] best = new double[rows.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        SpiceRig[] rigs = new SpiceRig[rows.length];
        try {
            for (int k = 0; k < rows.length; k++) {
                rigs[k] = new SpiceRig(description, rows[k], IdentityCalibration.INSTANCE, ngspice);
                rigs[k].measure(probes.subList(0, Math.min(40, probes.size())));
            }
            for (int rep = 0; rep < SimBenchmark.REPEATS; rep++) {
                for (int j = 0; j < rows.length; j++) {
                    int k = rep % 2 == 0 ? j : rows.length - 1 - j;
                    long t0 = System.nanoTime();
                    rigs[k].measure(probes);
                    best[k] = Math.min(best[k], (System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            for (SpiceRig rig : rigs) {
                if (rig != null) {
                    rig.close();
                }
            }
        }
        List<Probe> checked = probes.subList(0, Math.min(CHECKED, probes.size()));
        StepTuner.Deviation[] deviation = new StepTuner.Deviation[rows.length];
        StepTuner.Run reference;
        try (StepTuner tuner = new StepTuner(description, settings, ngspice)) {
            reference = tuner.run(StepControl.REFERENCE, checked);
        }
        for (int k = 0; k < rows.length; k++) {
            try (StepTuner tuner = new StepTuner(description, rows[k], ngspice)) {
                deviation[k] = StepTuner.deviation(tuner.run(rows[k].step(), checked), reference);
            }
        }
        double tolerance = settings.timingTolerancePs();
        out.printf(Locale.ROOT, "  step control and first-spike stop (same probes, %d workers; worst |Δ first spike| against the %s reference"
                + " on %d probes, tolerance %s ps):%n", settings.effectiveWorkers(), StepControl.REFERENCE.label(), checked.size(),
                Numbers.plain(tolerance));
        for (int k = 0; k < rows.length; k++) {
            StepTuner.Deviation d = deviation[k];
            out.printf(Locale.ROOT, "    %s %-44s %-12s %6.1f measurements/s, worst %.3f ps%s, %s%n", names[k], rows[k].step().label() + ",",
                    ends[k] + ":", probes.size() / best[k], d.worstPs(),
                    d.disagreements() > 0 ? " (" + d.disagreements() + " silent/fired mismatches)" : "",
                    d.within(tolerance) ? "within tolerance" : "OUTSIDE tolerance");
        }
        out.printf(Locale.ROOT, "    speed-up over today: %.2fx from the breakpoint stop, %.2fx with the rig file's step%n",
                best[0] / best[1], best[0] / best[2]);
        return best[0] / best[2];
    }
}
