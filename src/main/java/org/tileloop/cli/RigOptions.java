package org.tileloop.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tileloop.rig.RigConfigurationException;
import picocli.CommandLine.Option;

/** Options shared by commands that open a rig and set its parameters. */
final class RigOptions {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");

    @Option(names = "--rig", required = true, paramLabel = "FILE", description = "Rig file, e.g. rigs/sim-tile4.yaml.")
    Path rig;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Override a parameter (plain number in the parameter's unit). Repeatable.")
    List<String> assignments = List.of();

    @Option(names = "--calibration-dir", paramLabel = "DIR",
            description = "Calibration records (default: calibration/ of this tileloop checkout).")
    Path calibrationDir;

    org.tileloop.calibration.CalibrationStore calibrationStore() {
        return calibrationDir == null ? org.tileloop.calibration.CalibrationStore.defaultStore()
                : new org.tileloop.calibration.CalibrationStore(calibrationDir);
    }

    org.tileloop.rig.Rig open() {
        return org.tileloop.calibration.CalibratedRigs.open(org.tileloop.rig.file.RigFileLoader.load(rig), calibrationStore());
    }

    /** @throws RigConfigurationException for anything that is not {@code name=plain-number} */
    Map<String, Double> overrides() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            String value = eq < 0 ? "" : a.substring(eq + 1);
            if (eq < 0 || !NAME.matcher(name).matches()) {
                throw new RigConfigurationException("--set " + printable(a) + ": expected NAME=VALUE with a parameter name such as r_fb");
            }
            if (!NUMBER.matcher(value).matches()) {
                throw new RigConfigurationException("--set " + name + ": '" + printable(value)
                        + "' is not a plain number (write e.g. 12000 or 1.2e4)");
            }
            if (out.put(name, Double.parseDouble(value)) != null) {
                throw new RigConfigurationException("--set " + name + " given twice");
            }
        }
        return out;
    }

    static String printable(String s) {
        return s.replace("\n", "\\n").replace("\r", "\\r").replaceAll("\\p{Cntrl}", "?");
    }
}
