package org.tileloop.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.tileloop.calibration.CalibrationRecord;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.calibration.Calibrator;
import org.tileloop.rig.file.RigFileLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "calibration", mixinStandardHelpOptions = true, description = "List and show calibration records.",
        subcommands = {CalibrationCommand.ListRecords.class, CalibrationCommand.Show.class})
final class CalibrationCommand {

    static CalibrationStore store(Path dir) {
        return dir == null ? CalibrationStore.defaultStore() : new CalibrationStore(dir);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A rig's calibration records, oldest first; * marks the current one.")
    static final class ListRecords implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rig", required = true, paramLabel = "FILE")
        Path rigFile;

        @Option(names = "--calibration-dir", paramLabel = "DIR")
        Path calibrationDir;

        @Override
        public Integer call() throws IOException {
            String rigId = RigFileLoader.load(rigFile).description().id();
            CalibrationStore store = store(calibrationDir);
            List<CalibrationRecord> all = store.list(rigId);
            Optional<String> current = store.current(rigId).map(CalibrationRecord::id);
            var out = spec.commandLine().getOut();
            if (all.isEmpty()) {
                out.println("no calibration records for rig " + rigId + " in " + store.root());
                return 0;
            }
            out.printf("  %-32s %-24s %-10s %s%n", "id", "valid from", "state", "max residual (ps)");
            Instant now = Instant.now();
            for (CalibrationRecord r : all) {
                double worst = r.channels().stream().mapToDouble(CalibrationRecord.ChannelFit::maxResidualPs).max().orElse(0);
                out.printf(java.util.Locale.ROOT, "%s %-32s %-24s %-10s %.2f%n", current.filter(r.id()::equals).isPresent() ? "*" : " ",
                        r.id(), r.validFrom(), r.expired(now) ? "expired" : "valid", worst);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One record: per-channel offset, gain and fit quality.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "<rig-id>/<yyyyMMddTHHmmssZ>, as in calibration list")
        String id;

        @Option(names = "--calibration-dir", paramLabel = "DIR")
        Path calibrationDir;

        @Override
        public Integer call() {
            CalibrationRecord r = store(calibrationDir).load(id);
            var out = spec.commandLine().getOut();
            out.print(Calibrator.report(r));
            out.println((r.expired(Instant.now()) ? "expired at " : "expires at ") + r.expiresAt());
            return 0;
        }
    }
}
