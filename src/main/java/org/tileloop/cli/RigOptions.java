package org.tileloop.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tileloop.rig.RigConfigurationException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by commands that open a rig and set its parameters: {@code --rig}, {@code --set}, {@code --calibration-dir}. */
final class RigOptions {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");

    @Mixin
    RigArgument rig;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Override a parameter (plain number in the parameter's unit). Repeatable.")
    List<String> assignments = List.of();

    @Mixin
    CalibrationOptions calibration;

    org.tileloop.rig.Rig open() {
        return open(org.tileloop.rig.file.RigOpener.LOCAL);
    }

    org.tileloop.rig.Rig open(org.tileloop.rig.file.RigOpener opener) {
        return org.tileloop.calibration.CalibratedRigs.open(rig.load(), calibration.store(), opener);
    }

    /** @throws RigConfigurationException for anything that is not {@code name=plain-number} */
    Map<String, Double> overrides() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            String value = eq < 0 ? "" : a.substring(eq + 1);
            if (eq < 0 || !NAME.matcher(name).matches()) {
                throw new RigConfigurationException("--set " + org.tileloop.input.StrictInput.printable(a) + ": expected NAME=VALUE with a parameter name such as r_fb");
            }
            if (!NUMBER.matcher(value).matches()) {
                throw new RigConfigurationException("--set " + name + ": '" + org.tileloop.input.StrictInput.printable(value)
                        + "' is not a plain number (write e.g. 12000 or 1.2e4)");
            }
            if (out.put(name, Double.parseDouble(value)) != null) {
                throw new RigConfigurationException("--set " + name + " given twice");
            }
        }
        return out;
    }
}
