package org.tileloop.rig.file;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.tileloop.input.ShownPath;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.spice.NetlistSurvey;

/**
 * The rig file {@code tileloop rig new} writes for a netlist template: everything the template
 * shows (parameters, units, output and input nodes, supply) filled in as guesses with the reason
 * beside each, and everything it cannot show (bounds, safety limits, time scales) as
 * {@value #TODO}. {@link RigFileLoader} refuses any {@value #TODO} left in a rig file, naming its
 * key, so an unfilled scaffold never runs.
 */
public final class RigScaffold {

    /** The placeholder for a value the user must give. */
    public static final String TODO = "TODO";
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern NETLIST_REF = Pattern.compile("[A-Za-z0-9_./-]+\\.cir");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern NODE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final String BOUNDS = "min: TODO, max: TODO, default: TODO, safety_min: TODO, safety_max: TODO";

    private RigScaffold() {
    }

    /** The rig id for a scaffold written to {@code out}: its file name when that is an id, else one made from the netlist's name. */
    public static String id(Path netlist, Path out) {
        String base = out.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        if (ID.matcher(base).matches()) {
            return base;
        }
        String fromNetlist = netlist.getFileName().toString().replaceFirst("\\.[^.]*$", "").toLowerCase(Locale.ROOT)
                .replace('_', '-').replaceAll("[^a-z0-9-]", "");
        String id = fromNetlist.matches("[a-z].*") ? fromNetlist : "tile-" + fromNetlist;
        return id.length() > 63 ? id.substring(0, 63) : id;
    }

    /** Where {@code rig new} writes by default: {@code rigs/<id>.yaml}. */
    public static Path defaultOut(Path netlist) {
        return Path.of("rigs", id(netlist, Path.of("-")) + ".yaml");
    }

    /**
     * The scaffold's text.
     *
     * @param out where it will be written (the netlist is named relative to its directory)
     * @throws RigConfigurationException the netlist's path cannot be written in a rig file
     */
    public static String render(NetlistSurvey survey, Path out) {
        Path dir = out.toAbsolutePath().normalize().getParent();
        String netlist = dir.relativize(survey.path().toAbsolutePath().normalize()).toString();
        if (!NETLIST_REF.matcher(netlist).matches()) {
            throw new RigConfigurationException(survey.path() + ": a rig file names its netlist by a relative path of A-Z a-z 0-9 _ . / -"
                    + " ending in .cir; rename or move the file (here: " + netlist + ")");
        }
        String id = id(survey.path(), out);
        StringBuilder y = new StringBuilder();
        String name = survey.path().getFileName().toString();
        y.append("# Rig file scaffolded by `tileloop rig new` from ").append(name).append(".\n")
                .append("# Replace every TODO (the rig loader refuses a file that still has one and names its key), check the\n")
                .append("# guesses commented on each line, then run: tileloop rig check ").append(ShownPath.of(out)).append('\n')
                .append("# How to choose the values: simulated-rig/README.md, \"Your own tile\".\n")
                .append("schema_version: 1\nid: ").append(id).append("\nkind: simulated\n")
                .append("description: Scaffolded from ").append(name).append(".\n\nsimulator:\n")
                .append("  netlist: ").append(netlist).append("   # relative to this file\n")
                .append("  tstop_ns: TODO        # transient window (ns): the slowest first spike you train must fit in it\n")
                .append("  step: {max_ps: TODO}  # largest time step (ps): ~1/100 of your shortest spike; then paste what rig tune-step prints\n");
        supply(y, survey);
        List<String> names = new ArrayList<>();
        y.append("\n# min < default < max: the range training explores; safety_min <= min and max <= safety_max: limits no value\n")
                .append("# ever passes (what the circuit survives). Units are guessed from where a parameter appears.\nparameters:\n");
        for (NetlistSurvey.Parameter p : survey.parameters()) {
            names.add(p.name());
            y.append("  - {name: ").append(p.name()).append(", unit: ").append(quoteUnit(p.unit().symbol())).append(", ")
                    .append(BOUNDS).append(", trainable: true}   # ").append(p.note()).append('\n');
        }
        List<Input> inputs = inputs(survey, names);
        double supplyV = survey.supplies().isEmpty() ? Double.NaN : survey.supplies().get(0).volts();
        for (Input in : inputs) {
            y.append("  - {name: ").append(in.amplitude()).append(", unit: V, ").append(BOUNDS).append("}   # pulse level of input ")
                    .append(in.name()).append(Double.isNaN(supplyV) ? "" : " (at most the supply, " + Numbers.plain(supplyV) + " V)")
                    .append('\n');
        }
        channels(y, survey, supplyV);
        y.append("\n# Inputs: nodes tileloop drives with a generated pulse source (0 V until the stimulus fires it).\n")
                .append("# rise_ns: rise and fall time; width_ns: how long the pulse stays high.\ninputs:\n");
        for (Input in : inputs) {
            y.append("  - {name: ").append(in.name()).append(", source: ").append(in.source()).append(", node: ").append(in.node())
                    .append(", amplitude_parameter: ").append(in.amplitude()).append(", rise_ns: TODO, width_ns: TODO}   # ").append(in.why())
                    .append('\n');
        }
        return y.toString();
    }

    private static void supply(StringBuilder y, NetlistSurvey survey) {
        if (survey.supplies().isEmpty() || !NODE.matcher(survey.supplies().get(0).node()).matches()
                || !NODE.matcher(survey.supplies().get(0).source()).matches()) {
            y.append("  supply_source: TODO   # no DC source to ground on a named node found: the source whose energy is measured\n")
                    .append("  supply_node: TODO\n");
            return;
        }
        NetlistSurvey.Supply s = survey.supplies().get(0);
        List<String> others = survey.supplies().stream().skip(1).map(o -> o.source() + " " + Numbers.plain(o.volts()) + " V").toList();
        y.append("  supply_source: ").append(s.source()).append("   # guessed: ").append(Numbers.plain(s.volts())).append(" V to ground")
                .append(others.isEmpty() ? "" : "; other DC sources: " + String.join(", ", others)).append('\n')
                .append("  supply_node: ").append(s.node()).append('\n');
    }

    private static void channels(StringBuilder y, NetlistSurvey survey, double supplyV) {
        String threshold = Double.isNaN(supplyV) ? "TODO" : Numbers.plain(supplyV / 2);
        String hysteresis = Double.isNaN(supplyV) ? "TODO" : Numbers.plain(Math.round(supplyV / 6 * 100) / 100.0);
        y.append("\n# Channels: output nodes probed for spikes. threshold_v").append(Double.isNaN(supplyV) ? ", hysteresis_v: TODO"
                        : " guessed as half the supply, hysteresis_v as a sixth").append(".\nchannels:\n");
        int usable = 0;
        for (NetlistSurvey.Candidate c : survey.outputs()) {
            String name = c.node().toLowerCase(Locale.ROOT);
            if (NAME.matcher(name).matches() && NODE.matcher(c.node()).matches()) {
                usable++;
                y.append("  - {name: ").append(name).append(", node: ").append(c.node()).append(", threshold_v: ").append(threshold)
                        .append(", hysteresis_v: ").append(hysteresis).append("}   # ").append(c.why()).append('\n');
            } else {
                y.append("# node ").append(c.node()).append(" (").append(c.why()).append(") needs a name of A-Z a-z 0-9 _ in the template to be a channel\n");
            }
        }
        if (usable == 0) {
            y.append("  - {name: out0, node: TODO, threshold_v: ").append(threshold).append(", hysteresis_v: ").append(hysteresis)
                    .append("}   # no output node found: name the node to probe\n");
        }
        for (NetlistSurvey.Candidate c : survey.otherNodes()) {
            if (NODE.matcher(c.node()).matches()) {
                y.append("#  - {name: ").append(c.node().toLowerCase(Locale.ROOT)).append(", node: ").append(c.node()).append(", threshold_v: ")
                        .append(threshold).append(", hysteresis_v: ").append(hysteresis).append("}   # also possible: ").append(c.why()).append('\n');
            }
        }
    }

    /** One input of the scaffold: the generated source on {@code node}, its amplitude parameter, why the node is an input. */
    private record Input(String name, String source, String node, String amplitude, String why) {
    }

    private static List<Input> inputs(NetlistSurvey survey, List<String> parameters) {
        List<Input> out = new ArrayList<>();
        Set<String> taken = new HashSet<>(parameters);
        for (NetlistSurvey.Candidate c : survey.inputs()) {
            String name = c.node().toLowerCase(Locale.ROOT);
            if (!NAME.matcher(name).matches() || !NODE.matcher(c.node()).matches() || name.length() > 27) {
                continue;
            }
            String source = "V_" + c.node().toUpperCase(Locale.ROOT);
            while (survey.elementNames().contains(source.toLowerCase(Locale.ROOT)) || source.length() > 32) {
                source = source.length() > 30 ? "V" + out.size() + "_IN" : source + "_IN";
            }
            String amplitude = name + "_amp";
            while (!taken.add(amplitude)) {
                amplitude = amplitude + "_v";
            }
            out.add(new Input(name, source, c.node(), amplitude, c.why()));
        }
        if (out.isEmpty()) {
            String amplitude = taken.contains("in0_amp") ? "in0_pulse_amp" : "in0_amp";
            out.add(new Input("in0", "V_IN0", TODO, amplitude, "no input node found: name the node tileloop drives"));
        }
        return out;
    }

    private static String quoteUnit(String symbol) {
        return symbol.equals("1") ? "\"1\"" : symbol;
    }

    /** {@link #placeholders(JsonNode)} of a scaffold's text. */
    public static List<String> placeholders(String scaffold) {
        return placeholders(StrictInput.yaml(scaffold.getBytes(java.nio.charset.StandardCharsets.UTF_8), "scaffold", "rig file"));
    }

    /** Keys of a parsed rig file whose value is still {@value #TODO}, e.g. {@code parameters[0] (r_leak).min}, in file order. */
    public static List<String> placeholders(JsonNode root) {
        List<String> out = new ArrayList<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(JsonNode node, String key, List<String> out) {
        if (node.isTextual() && node.asText().strip().equals(TODO)) {
            out.add(key);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(e.getValue(), key.isEmpty() ? e.getKey() : key + "." + e.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                String named = item.path("name").isTextual() && !item.path("name").asText().equals(TODO)
                        ? " (" + StrictInput.printable(item.path("name").asText()) + ")" : "";
                collect(item, key + "[" + i + "]" + named, out);
            }
        }
    }
}
