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
 * The {@code bench sim} step-tuning rows: the untuned setting ({@link StepControl#UNTUNED}) and the
 * rig file's own {@code simulator.step} through the rig on the same probes (same worker count,
 * runs interleaved, best of {@link SimBenchmark#REPEATS}), the speed-up, and each setting's worst
 * first-spike change against the fine reference {@link StepControl#REFERENCE} on a subset.
 */
final class StepBenchmark {

    /** Probes checked against the reference (it costs ~20× a measurement). */
    static final int CHECKED = 60;

    private StepBenchmark() {
    }

    /** @return the tuned setting's measurements/s over the untuned one's */
    static double run(RigDescription description, SpiceSettings settings, Ngspice ngspice, List<Probe> probes, PrintWriter out) {
        SpiceSettings untuned = settings.withStep(StepControl.UNTUNED);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        try (SpiceRig before = new SpiceRig(description, untuned, IdentityCalibration.INSTANCE, ngspice);
             SpiceRig after = new SpiceRig(description, settings, IdentityCalibration.INSTANCE, ngspice)) {
            List<Probe> warm = probes.subList(0, Math.min(40, probes.size()));
            before.measure(warm);
            after.measure(warm);
            for (int rep = 0; rep < SimBenchmark.REPEATS; rep++) {
                SpiceRig[] order = rep % 2 == 0 ? new SpiceRig[] {before, after} : new SpiceRig[] {after, before};
                for (SpiceRig rig : order) {
                    long t0 = System.nanoTime();
                    rig.measure(probes);
                    int k = rig == before ? 0 : 1;
                    best[k] = Math.min(best[k], (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        List<Probe> checked = probes.subList(0, Math.min(CHECKED, probes.size()));
        StepTuner.Deviation[] deviation = new StepTuner.Deviation[2];
        try (StepTuner tuner = new StepTuner(description, settings, ngspice)) {
            StepTuner.Run reference = tuner.run(StepControl.REFERENCE, checked);
            deviation[0] = StepTuner.deviation(tuner.run(StepControl.UNTUNED, checked), reference);
            deviation[1] = StepTuner.deviation(tuner.run(settings.step(), checked), reference);
        }
        double tolerance = settings.timingTolerancePs();
        out.printf(Locale.ROOT, "  step control (same probes, %d workers; worst |Δ first spike| against the %s reference on %d probes,"
                + " tolerance %s ps):%n", settings.effectiveWorkers(), StepControl.REFERENCE.label(), checked.size(),
                Numbers.plain(tolerance));
        String[] names = {"untuned ", "rig file"};
        StepControl[] steps = {StepControl.UNTUNED, settings.step()};
        for (int k = 0; k < 2; k++) {
            StepTuner.Deviation d = deviation[k];
            out.printf(Locale.ROOT, "    %s %-44s %6.1f measurements/s, worst %.3f ps%s, %s%n", names[k], steps[k].label() + ":",
                    probes.size() / best[k], d.worstPs(), d.disagreements() > 0 ? " (" + d.disagreements() + " silent/fired mismatches)" : "",
                    d.within(tolerance) ? "within tolerance" : "OUTSIDE tolerance");
        }
        double speedUp = best[0] / best[1];
        out.printf(Locale.ROOT, "    speed-up from step tuning: %.2fx%n", speedUp);
        return speedUp;
    }
}
