package org.tileloop.rig.spice;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * The line rules that keep ngspice from executing or loading anything but tileloop's netlists,
 * applied to a whole template file before first use and again to every rendered netlist before it
 * is written for ngspice. See {@code simulated-rig/README.md} ("What a template may contain").
 *
 * <p>ngspice executes commands from {@code .control} blocks and from every line starting with
 * {@code *#} (even indented, even inside what looks like a comment), loads files through
 * {@code .include}/{@code .lib}, shared libraries through {@code .osdi}, and data files through
 * XSPICE code models ({@code A} elements) and quoted file names. A template may therefore hold only
 * comments, element lines of the ordinary device letters, continuation lines and the dot-commands
 * in {@link #TEMPLATE_DOT}; everything a run needs beyond the circuit is generated.
 */
final class NetlistGuard {

    static final Set<String> TEMPLATE_DOT = Set.of(".model", ".subckt", ".ends", ".global", ".ic", ".nodeset");
    /** Dot-commands {@link NetlistRenderer} writes itself, from validated numbers and names. */
    private static final Set<String> GENERATED_DOT = Set.of(".param", ".tran", ".op", ".save", ".meas", ".options", ".end");
    /** Device letters a template may use: R C L K V I E F G H B D Q J Z M S W T O U X (no A code models, no N OSDI devices, no P). */
    private static final String DEVICE_LETTERS = "rclkviefghbdqjzmswtoux";
    private static final Set<String> MODEL_TYPES = Set.of("nmos", "pmos", "npn", "pnp", "d", "r", "c", "l", "sw", "csw",
            "njf", "pjf", "nmf", "pmf", "vdmos", "ltra", "urc", "txl", "cpl");
    /** A literal element value: a number with an optional SI suffix (the suffix does not change its sign). */
    private static final java.util.regex.Pattern PLAIN_VALUE = java.util.regex.Pattern.compile(
            "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?)(?:t|g|meg|k|m|u|n|p|f|mil)?[a-z]*");
    /** The step-control line {@link StepControl#optionsLine()} writes: numbers in the renderer's format only. */
    private static final java.util.regex.Pattern GENERATED_OPTIONS = java.util.regex.Pattern.compile(
            "\\.options method=(trap|gear) reltol=(\\d\\.\\d{12}e[-+]\\d{2,3}) trtol=(\\d\\.\\d{12}e[-+]\\d{2,3})"
                    + " chgtol=(\\d\\.\\d{12}e[-+]\\d{2,3})");
    private static final java.util.regex.Pattern FILE_PARAMETER = java.util.regex.Pattern.compile("(?i)\\bfile\\s*=");
    private static final Map<String, String> WHY = Map.ofEntries(
            Map.entry(".control", "runs simulator commands, including shell commands"),
            Map.entry(".endc", "ends a .control block"),
            Map.entry(".include", "loads another file that would not be checked"),
            Map.entry(".inc", "loads another file that would not be checked"),
            Map.entry(".lib", "loads another file that would not be checked"),
            Map.entry(".endl", "ends a .lib section"),
            Map.entry(".osdi", "loads a shared library into the simulator"),
            Map.entry(".param", "tileloop generates parameters from validated numbers"),
            Map.entry(".func", "defines expressions outside tileloop's checks"),
            Map.entry(".csparam", "sets control-language variables"),
            Map.entry(".if", "conditional netlists are not checked"),
            Map.entry(".options", "tileloop sets simulator options itself"),
            Map.entry(".option", "tileloop sets simulator options itself"),
            Map.entry(".end", "tileloop ends the netlist itself"));

    private NetlistGuard() {
    }

    /** Whole-file rules for a template; {@code where} prefixes messages (the file name). */
    static void checkTemplate(String where, String body) {
        checkLines(where, body, TEMPLATE_DOT, true);
    }

    /** The same rules on a rendered netlist, allowing only the dot-commands the renderer writes. */
    static void checkRendered(String netlist) {
        checkLines("rendered netlist", netlist, union(), false);
        if (!netlist.endsWith(".end\n") || netlist.indexOf("\n.end\n") != netlist.length() - 6) {
            throw new RigConfigurationException("rendered netlist: must end with exactly one .end");
        }
    }

    private static Set<String> union() {
        java.util.HashSet<String> all = new java.util.HashSet<>(TEMPLATE_DOT);
        all.addAll(GENERATED_DOT);
        return all;
    }

    private static boolean generatedOptions(String line) {
        java.util.regex.Matcher m = GENERATED_OPTIONS.matcher(line);
        if (!m.matches()) {
            return false;
        }
        try {
            new StepControl(StepControl.MIN_MAX_STEP_PS, StepControl.Method.valueOf(m.group(1).toUpperCase(Locale.ROOT)),
                    Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkLines(String where, String text, Set<String> allowedDot, boolean template) {
        List<String> lines = text.lines().toList();
        for (int n = 0; n < lines.size(); n++) {
            String raw = lines.get(n);
            String at = where + ":" + (n + 1) + ": ";
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c != '\t' && StrictInput.isControl(c)) {
                    throw new RigConfigurationException(at + "control character U+" + String.format(Locale.ROOT, "%04X", (int) c)
                            + " in netlist");
                }
            }
            String line = raw.strip();
            if (line.startsWith("*#")) {
                throw new RigConfigurationException(at + "'*#' lines are executed by ngspice as commands; not allowed");
            }
            if (line.isEmpty() || line.startsWith("*")) {
                continue;
            }
            if (line.indexOf('"') >= 0 || line.indexOf('\'') >= 0) {
                throw new RigConfigurationException(at + "quotes are not allowed (ngspice reads files named in quotes)");
            }
            if (FILE_PARAMETER.matcher(line).find()) {
                throw new RigConfigurationException(at + "file= is not allowed (sources and models read data files with it)");
            }
            String lower = line.toLowerCase(Locale.ROOT);
            String first = lower.split("\\s+")[0];
            if (first.startsWith(".")) {
                if (!allowedDot.contains(first)) {
                    String why = WHY.getOrDefault(first, "not one of the allowed dot-commands");
                    throw new RigConfigurationException(at + "'" + first + "' is not allowed in a " + (template ? "netlist template" : "rendered netlist")
                            + " (" + why + "; allowed: " + String.join(", ", allowedDot.stream().sorted().toList()) + ")");
                }
                if (first.equals(".model")) {
                    String[] f = lower.split("[\\s(]+");
                    if (f.length < 3 || !MODEL_TYPES.contains(f[2])) {
                        throw new RigConfigurationException(at + ".model type '" + (f.length < 3 ? "" : f[2])
                                + "' is not allowed (allowed: " + String.join(", ", MODEL_TYPES.stream().sorted().toList())
                                + "; XSPICE code models can read files)");
                    }
                }
                if (first.equals(".options") && !lower.equals(".options autostop") && !generatedOptions(lower)) {
                    throw new RigConfigurationException(at + "only '.options autostop' and '.options method=trap|gear reltol=N trtol=N"
                            + " chgtol=N' (inside the rig file's allowed ranges) are generated");
                }
            } else if (!first.startsWith("+") && DEVICE_LETTERS.indexOf(first.charAt(0)) < 0) {
                throw new RigConfigurationException(at + "element '" + first + "' is not allowed (allowed device letters: "
                        + DEVICE_LETTERS.toUpperCase(Locale.ROOT) + "; A code models and N devices can load files and libraries)");
            } else if ("rcl".indexOf(first.charAt(0)) >= 0) {
                String[] f = lower.split("\\s+");
                String value = f.length > 3 ? f[3].replaceFirst("^[rcl]=", "") : "";
                java.util.regex.Matcher v = PLAIN_VALUE.matcher(value);
                if (v.matches() && !(Double.parseDouble(v.group(1)) > 0 && Double.isFinite(Double.parseDouble(v.group(1))))) {
                    throw new RigConfigurationException(at + "element '" + first + "' has value " + f[3]
                            + "; resistors, capacitors and inductors must be > 0 and finite");
                }
            }
        }
    }
}
