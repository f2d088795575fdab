package org.tileloop.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigDescription;
import org.tileloop.train.FinalRepeats;
import org.tileloop.train.LossTerms;
import org.tileloop.train.TrainingConfig;

/** Writes a run's {@code summary.md} from its {@link RunRecord.Outcome}, and its charts ({@link RunPlots}). */
public final class RunReport {

    private RunReport() {
    }

    /**
     * @param runId the run's id, in the charts' titles
     * @param config the run's training config (the method in the titles; accuracy for classification)
     * @param status how the run stands: completed, or how it stopped
     */
    public static void write(Path dir, String runId, TrainingConfig config, RigDescription rig, RunRecord.Outcome o, RunStatus status)
            throws IOException {
        Files.writeString(dir.resolve("summary.md"), summary(rig, o, status) + TwinSummary.of(dir, rig), StandardCharsets.UTF_8);
        RunPlots.write(dir, runId, config, rig, o);
    }

    static String summary(RigDescription rig, RunRecord.Outcome o, RunStatus status) {
        StringBuilder s = new StringBuilder("# Training summary\n\n");
        if (o.train().isEmpty()) {
            return s.append("No iteration completed.\n").toString();
        }
        int last = o.lastIteration();
        int lastHold = lastHoldout(o);
        String stopped = status.wire().substring(0, 1).toUpperCase(Locale.ROOT) + status.wire().substring(1);
        s.append(status == RunStatus.COMPLETED ? "Completed iterations 0-" + last : stopped + " after iteration " + last + " (resumable)")
                .append(", ").append(o.measurements()).append(" measurements.\n\n");
        s.append("| split | start loss (ns²) | end loss (ns²) |\n|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| train | %.6g | %.6g |%n", o.train().get(0).total(), o.train().get(last).total()));
        if (lastHold >= 0 && o.holdout().get(0) != null) {
            s.append(String.format(Locale.ROOT, "| holdout | %.6g | %.6g |%n%n", o.holdout().get(0).total(),
                    o.holdout().get(lastHold).total()));
            s.append(String.format(Locale.ROOT, "Final holdout − train gap (iteration %d): %.6g ns²%n%n", lastHold,
                    o.holdout().get(lastHold).total() - o.train().get(lastHold).total()));
        } else {
            s.append("\nHoldout not evaluated.\n\n");
        }
        s.append("Terms at the final point (ns²):\n\n| split |");
        LossTerms.NAMES.forEach(t -> s.append(' ').append(t).append(" |"));
        s.append("\n|---|").append("---|".repeat(LossTerms.NAMES.size())).append('\n');
        terms(s, "train", o.train().get(last));
        if (lastHold == last) {
            terms(s, "holdout", o.holdout().get(last));
        }
        o.finalRepeats().ifPresent(f -> finalRepeats(s, f));
        s.append("\n| parameter | unit | initial | final | min | max |\n|---|---|---|---|---|---|\n");
        for (ParameterSpec p : rig.parameters()) {
            double a = o.initial().get(p.name());
            double b = o.last().get(p.name());
            if (a != b || p.trainable()) {
                s.append(String.format(Locale.ROOT, "| %s | %s | %.6g | %.6g | %.6g | %.6g |%n", p.name(), p.unit(), a, b,
                        p.min(), p.max()));
            }
        }
        return s.toString();
    }

    private static void finalRepeats(StringBuilder s, FinalRepeats f) {
        s.append(String.format(Locale.ROOT, "%nFinal point measured %d more times (%d measurements):%n%n", f.repeats(), f.measurements()));
        s.append("| split | loss mean (ns²) | loss sd (ns²) |\n|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| train | %.6g | %.6g |%n", f.trainLossNs2().mean(), f.trainLossNs2().sd()));
        if (f.holdoutLossNs2().count() > 0) {
            s.append(String.format(Locale.ROOT, "| holdout | %.6g | %.6g |%n", f.holdoutLossNs2().mean(), f.holdoutLossNs2().sd()));
        }
        s.append("\n| split | trace | channel | target (ns) | fired | first spike mean (ns) | sd (ns) |\n|---|---|---|---|---|---|---|\n");
        for (FinalRepeats.ChannelSpread c : f.firstSpikes()) {
            FinalRepeats.Spread t = c.firstSpikeNs();
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d/%d | %s | %s |%n", c.split(),
                    c.pattern().isEmpty() ? Numbers.plain(c.delayNs()) + " ns" : c.pattern(), c.channel(),
                    c.targetNs() == null ? "" : String.format(Locale.ROOT, "%.6g", c.targetNs()), t.count(), f.repeats(),
                    t.count() == 0 ? "" : String.format(Locale.ROOT, "%.6g", t.mean()),
                    t.count() == 0 ? "" : String.format(Locale.ROOT, "%.3g", t.sd())));
        }
    }

    private static void terms(StringBuilder s, String split, LossTerms t) {
        s.append("| ").append(split).append(" |");
        for (double v : t.values()) {
            s.append(String.format(Locale.ROOT, " %.6g |", v));
        }
        s.append('\n');
    }

    private static int lastHoldout(RunRecord.Outcome o) {
        for (int k = o.holdout().size() - 1; k >= 0; k--) {
            if (o.holdout().get(k) != null) {
                return k;
            }
        }
        return -1;
    }
}
