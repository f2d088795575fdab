package org.tileloop.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.tileloop.calibration.CalibrationRecord;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.calibration.Calibrator;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.RigConfigurationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "calibration", mixinStandardHelpOptions = true, description = "List and show calibration records.",
        subcommands = {CalibrationCommand.ListRecords.class, CalibrationCommand.Show.class})
final class CalibrationCommand {

    static com.fasterxml.jackson.databind.node.ObjectNode summary(CalibrationRecord r, boolean current, Instant now) {
        return Json.MAPPER.createObjectNode().put("id", r.id()).put("rig", r.rigId()).put("current", current)
                .put("valid_from", r.validFrom()).put("expires_at", r.expiresAt().toString()).put("state", r.expired(now) ? "expired" : "valid")
                .put("max_residual_ps", worstPs(r));
    }

    static Instant seconds(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    static double worstPs(CalibrationRecord r) {
        return r.channels().stream().mapToDouble(CalibrationRecord.ChannelFit::maxResidualPs).max().orElse(0);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a rig's calibration records, oldest first; * marks the current one.")
    static final class ListRecords implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RigArgument rig;

        @Mixin
        CalibrationOptions calibration;

        @Option(names = "--json", description = "One JSON object per record per line.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            String rigId = rig.load().description().id();
            CalibrationStore store = calibration.store();
            List<CalibrationRecord> all = store.list(rigId);
            Optional<String> current = store.current(rigId).map(CalibrationRecord::id);
            var out = spec.commandLine().getOut();
            Instant now = Instant.now();
            if (json) {
                for (CalibrationRecord r : all) {
                    out.println(Json.MAPPER.writeValueAsString(summary(r, current.filter(r.id()::equals).isPresent(), now)));
                }
                out.flush();
                return 0;
            }
            if (all.isEmpty()) {
                out.println("no calibration records for rig " + rigId + " in " + ShownPath.of(store.root()));
                return 0;
            }
            int idWidth = Math.max(2, all.stream().mapToInt(r -> r.id().length()).max().orElse(2));
            String format = "%1s %-" + idWidth + "s  %-20s  %-20s  %-7s  %17s%n";
            out.printf(format, "", "id", "valid from (UTC)", "expires (UTC)", "state", "max residual (ps)");
            for (CalibrationRecord r : all) {
                out.printf(format, current.filter(r.id()::equals).isPresent() ? "*" : "", r.id(), seconds(Instant.parse(r.validFrom())),
                        seconds(r.expiresAt()),
                        r.expired(now) ? "expired" : "valid", Numbers.sig(worstPs(r)));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one record: per-channel offset, gain and fit quality.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "<rig-id>/<yyyyMMddTHHmmssZ> as in calibration list, <rig-id>/current, or current with --rig.")
        String id;

        @Option(names = "--rig", paramLabel = "RIG", description = "With ID current: the rig, as an id or a rig file.")
        String rig;

        @Mixin
        CalibrationOptions calibration;

        @Option(names = "--json", description = "The record as saved, in JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            CalibrationStore store = calibration.store();
            CalibrationRecord r = resolve(store);
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
                out.flush();
                return 0;
            }
            out.print(Calibrator.report(r));
            out.println((r.expired(Instant.now()) ? "expired at " : "expires at ") + seconds(r.expiresAt()));
            out.flush();
            return 0;
        }

        private CalibrationRecord resolve(CalibrationStore store) {
            String rigId;
            if (id.equals("current")) {
                if (rig == null) {
                    throw new RigConfigurationException("calibration show current: name the rig with --rig (id or file), or give <rig-id>/current");
                }
                rigId = RigArgument.load(rig).description().id();
            } else if (id.endsWith("/current")) {
                rigId = id.substring(0, id.length() - "/current".length());
                if (!rigId.matches("[a-z][a-z0-9-]{0,62}")) {
                    throw new RigConfigurationException("'" + org.tileloop.input.StrictInput.printable(id)
                            + "' is not a calibration id (<rig-id>/<yyyyMMddTHHmmssZ> or <rig-id>/current)");
                }
            } else {
                if (rig != null) {
                    throw new RigConfigurationException("calibration show: --rig goes with ID current only; " + id + " names its rig");
                }
                return store.load(id);
            }
            return store.current(rigId).orElseThrow(() -> new RigConfigurationException("rig " + rigId + " has no current calibration in "
                    + ShownPath.of(store.root()) + " (tileloop calibrate --rig " + rigId + " makes one)"));
        }
    }
}
