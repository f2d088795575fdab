package org.tileloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tileloop.input.ShownPath;
import org.tileloop.calibration.CalibrationRecord;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.calibration.Calibrator;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Rig;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigLocator;
import org.tileloop.calibration.CalibratedRigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Calibrate a rig's timing chains: fit offset and gain per channel and make the record current.",
                "Sweeps the reference pulses of the rig file's calibration key and writes",
                "calibration/<rig-id>/<UTC timestamp>.json and .svg (residuals).",
                "A fit with a residual beyond calibration.max_residual_ps is reported and not saved (exit 4).",
                "A bench interlock trip during the sweep is reported and nothing is saved (exit 5)."})
final class CalibrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    RigArgument rig;

    @picocli.CommandLine.Mixin
    CalibrationOptions calibration;

    @Override
    public Integer call() throws IOException {
        RigFile file = rig.load();
        CalibrationStore store = calibration.store();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        var settings = file.calibration();
        int total = settings.referenceDelaysNs().size() * settings.repeats();
        boolean terminal = System.console() != null;
        CalibrationRecord r;
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        try (Rig rig = CalibratedRigs.open(file, store)) {
            rig.useCalibration(IdentityCalibration.INSTANCE);
            r = Calibrator.run(rig, settings, store.newId(file.description().id(), Instant.now()), Main.version(), n -> {
                done.set(n);
                if (terminal || n == total || n % Math.max(1, total / 10) == 0) {
                    err.printf(Locale.ROOT, terminal ? "\rreference pulses %d/%d" : "reference pulses %d/%d%n", n, total);
                    if (terminal && n == total) {
                        err.println();
                    }
                    err.flush();
                }
            });
        } catch (org.tileloop.rig.bench.InterlockException e) {
            if (terminal && done.get() > 0) {
                err.println();
            }
            err.printf(Locale.ROOT, "error: %s; the calibration sweep stopped after %d of %d reference pulses, nothing saved, "
                    + "the current calibration is unchanged%n", org.tileloop.input.StrictInput.oneLine(e.getMessage()), done.get(), total);
            err.flush();
            return TrainCommand.EXIT_PAUSED;
        }
        out.print(Calibrator.report(r));
        if (!r.accepted()) {
            out.println("rejected: a residual exceeds max_residual_ps; nothing saved, the current calibration is unchanged");
            return Main.EXIT_MEASUREMENT;
        }
        Path saved = store.save(r);
        Path svg = saved.resolveSibling(saved.getFileName().toString().replace(".json", ".svg"));
        Files.writeString(svg, Calibrator.residualsSvg(r), StandardCharsets.UTF_8);
        out.println("saved " + ShownPath.of(saved) + " (current), residual plot " + ShownPath.of(svg));
        return 0;
    }
}
