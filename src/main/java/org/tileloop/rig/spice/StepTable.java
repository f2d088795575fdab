package org.tileloop.rig.spice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;

/**
 * {@code tileloop rig tune-step}: every setting of {@link #grid()} on the same seeded probes,
 * against {@link StepControl#REFERENCE}, as a Markdown table with the cheapest setting (fewest
 * Newton iterations, then fewest timepoints) whose every first spike stays within the rig's
 * {@code simulator.timing_tolerance_ps}. Deterministic for a given rig, seed and probe count.
 */
public final class StepTable {

    /** One row: a setting, its deviation from the reference and its cost relative to {@link StepControl#UNTUNED}. */
    public record Row(StepControl step, StepTuner.Deviation deviation, double iterationsRel, double timepointsRel, int failures) {
    }

    /**
     * @param rows    the grid in order, then a half-step reference as a check of the reference itself
     * @param chosen  the cheapest row within the tolerance, if any
     * @param current the rig file's own setting
     */
    public record Result(List<Row> rows, Optional<Row> chosen, Row current, double tolerancePs, int probes, int spikes) {
    }

    private static final double[] TRAP_STEPS_PS = {5, 8, 10, 12, 15, 20, 50, 100};
    private static final double[] GEAR_STEPS_PS = {5, 10, 20, 50};
    /** reltol, trtol, chgtol (C): ngspice's defaults, then tighter truncation-error control. */
    private static final double[][] TRAP_TOLERANCES = {
            {StepControl.DEFAULT_RELTOL, StepControl.DEFAULT_TRTOL, StepControl.DEFAULT_CHGTOL_C}, {1e-3, 3, 1e-18}, {1e-4, 1, 1e-18}};
    private static final double[][] GEAR_TOLERANCES = {
            {StepControl.DEFAULT_RELTOL, StepControl.DEFAULT_TRTOL, StepControl.DEFAULT_CHGTOL_C}, {1e-4, 1, 1e-18}};

    private StepTable() {
    }

    /**
     * The candidate settings: trapezoidal at maximum steps 5–100 ps and Gear at 5–50 ps, each with
     * ngspice's default tolerances and with tighter truncation-error control.
     */
    public static List<StepControl> grid() {
        List<StepControl> grid = new ArrayList<>();
        add(grid, StepControl.Method.TRAP, TRAP_STEPS_PS, TRAP_TOLERANCES);
        add(grid, StepControl.Method.GEAR, GEAR_STEPS_PS, GEAR_TOLERANCES);
        return grid;
    }

    private static void add(List<StepControl> grid, StepControl.Method method, double[] stepsPs, double[][] tolerances) {
        for (double[] tol : tolerances) {
            for (double step : stepsPs) {
                grid.add(new StepControl(step, method, tol[0], tol[1], tol[2]));
            }
        }
    }

    /** Runs the reference, the rig's own setting and the grid on {@code vectors} seeded probes; progress goes to {@code progress}. */
    public static Result tune(RigDescription description, SpiceSettings settings, Ngspice ngspice, int vectors, long seed,
                              Consumer<String> progress) {
        List<Probe> probes = StepTuner.probes(description, settings.tstopNs(), vectors, seed);
        List<StepControl> settingsToRun = new ArrayList<>(grid());
        if (!settingsToRun.contains(settings.step())) {
            settingsToRun.add(settings.step());
        }
        StepControl half = new StepControl(StepControl.REFERENCE.maxStepPs() / 2, StepControl.REFERENCE.method(),
                StepControl.REFERENCE.reltol(), StepControl.REFERENCE.trtol(), StepControl.REFERENCE.chgtolC());
        settingsToRun.add(half);
        try (StepTuner tuner = new StepTuner(description, settings, ngspice)) {
            progress.accept("reference " + StepControl.REFERENCE.label() + " on " + vectors + " probes");
            StepTuner.Run reference = tuner.run(StepControl.REFERENCE, probes);
            StepTuner.Run untuned = null;
            List<Row> rows = new ArrayList<>();
            Row current = null;
            for (int i = 0; i < settingsToRun.size(); i++) {
                StepControl s = settingsToRun.get(i);
                progress.accept("[" + (i + 1) + "/" + settingsToRun.size() + "] " + s.label());
                StepTuner.Run run = s.equals(StepControl.UNTUNED) && untuned != null ? untuned : tuner.run(s, probes);
                if (s.equals(StepControl.UNTUNED)) {
                    untuned = run;
                }
                rows.add(new Row(s, StepTuner.deviation(run, reference), run.iterations(), run.timepoints(), run.failures()));
            }
            double iterations = untuned.iterations();
            double timepoints = untuned.timepoints();
            List<Row> relative = new ArrayList<>();
            for (Row r : rows) {
                Row rel = new Row(r.step(), r.deviation(), r.iterationsRel() / iterations, r.timepointsRel() / timepoints, r.failures());
                relative.add(rel);
                if (r.step().equals(settings.step())) {
                    current = rel;
                }
            }
            double tolerance = settings.timingTolerancePs();
            Optional<Row> chosen = relative.subList(0, grid().size()).stream()
                    .filter(r -> r.failures() == 0 && r.deviation().within(tolerance))
                    .min(Comparator.comparingDouble(Row::iterationsRel).thenComparingDouble(Row::timepointsRel));
            return new Result(relative, chosen, current, tolerance, vectors, StepTuner.deviation(reference, reference).spikes());
        }
    }

    /** The Markdown table and the advice that follows it. */
    public static String markdown(String rigId, String rigFile, Result result) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Step tuning for rig %s: %d seeded probes, %d first spikes; reference %s;"
                        + " tolerance %s ps (simulator.timing_tolerance_ps). Cost: Newton iterations and timepoints relative to %s.%n%n",
                rigId, result.probes(), result.spikes(), StepControl.REFERENCE.label(), StepControl.compact(result.tolerancePs()),
                StepControl.UNTUNED.label()));
        out.append("| max step ps | method | reltol | trtol | chgtol C | worst |Δt| ps | mean |Δt| ps | silent/fired mismatches | iterations × | timepoints × | |\n");
        out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (int i = 0; i < result.rows().size(); i++) {
            Row r = result.rows().get(i);
            StepControl s = r.step();
            List<String> notes = new ArrayList<>();
            if (result.chosen().isPresent() && result.chosen().get() == r) {
                notes.add("**chosen: cheapest within " + StepControl.compact(result.tolerancePs()) + " ps**");
            }
            if (s.equals(StepControl.UNTUNED)) {
                notes.add("untuned");
            }
            if (r == result.current()) {
                notes.add("rig file");
            }
            if (i == result.rows().size() - 1) {
                notes.add("reference check (half its step)");
            }
            if (r.failures() > 0) {
                notes.add(r.failures() + " probes failed");
            }
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f | %.3f | %d | %.2f | %.2f | %s |%n",
                    StepControl.compact(s.maxStepPs()), s.method().key(), StepControl.compact(s.reltol()), StepControl.compact(s.trtol()),
                    StepControl.compact(s.chgtolC()), r.deviation().worstPs(), r.deviation().meanPs(), r.deviation().disagreements(),
                    r.iterationsRel(), r.timepointsRel(), String.join(", ", notes)));
        }
        out.append('\n');
        Row current = result.current();
        out.append(String.format(Locale.ROOT, "Rig file's setting (%s): worst %.3f ps, %s.%n", current.step().label(),
                current.deviation().worstPs(), current.deviation().within(result.tolerancePs()) && current.failures() == 0
                        ? "within the tolerance" : "OUTSIDE the tolerance"));
        if (result.chosen().isPresent()) {
            Row c = result.chosen().get();
            out.append(String.format(Locale.ROOT, "Cheapest within %s ps: %s (worst %.3f ps, %.2f× the untuned iterations).%n",
                    StepControl.compact(result.tolerancePs()), c.step().label(), c.deviation().worstPs(), c.iterationsRel()));
            out.append("Put in ").append(rigFile).append(", under simulator:\n  step: ").append(c.step().yaml()).append('\n');
        } else {
            out.append("No setting of the grid stays within ").append(StepControl.compact(result.tolerancePs()))
                    .append(" ps: raise simulator.timing_tolerance_ps, or use the reference setting:\n  step: ")
                    .append(StepControl.REFERENCE.yaml()).append('\n');
        }
        return out.toString();
    }
}
