package org.tileloop.rig.spice;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.Unit;
import org.tileloop.rig.spice.NetlistElements.Element;

/**
 * What a netlist template offers a rig file, guessed from its text: the parameters its
 * {@code {name}} expressions use (with a unit from where they appear), candidate output nodes,
 * nodes tileloop could drive as inputs, and DC sources that could be the supply. The template
 * must first pass the same safety rules as every template ({@link NetlistGuard}, expressions of
 * names and numbers only). Guesses only: {@code tileloop rig new} writes them for a person to check.
 *
 * @param parameters in order of first use
 * @param outputs    top-level nodes that are final CMOS outputs (of the top level or of a subcircuit's port)
 * @param otherNodes top-level push-pull nodes that drive another stage (probe-able, but not outputs)
 * @param inputs     top-level nodes nothing drives, reached only through passives or gates
 * @param supplies   top-level DC voltage sources to ground, most supply-like first
 * @param elementNames every element name in the template, lower case (an input source must not reuse one)
 */
public record NetlistSurvey(Path path, List<Parameter> parameters, List<Candidate> outputs, List<Candidate> otherNodes,
                            List<Candidate> inputs, List<Supply> supplies, Set<String> elementNames) {

    /** A parameter the template uses; {@code usedIn} lists the elements, {@code note} says why the unit is what it is. */
    public record Parameter(String name, Unit unit, List<String> usedIn, String note) {
    }

    /** A node as the template spells it, with the reason it is a candidate. */
    public record Candidate(String node, String why) {
    }

    /** A DC voltage source from {@code node} to ground. */
    public record Supply(String source, String node, double volts) {
    }

    private static final Pattern RIG_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern SUPPLY_NAME = Pattern.compile("(?i).*(vdd|vcc|vpp|supply|sup|vdda|avdd|dvdd).*");
    private static final Pattern INPUT_NAME = Pattern.compile("(?i)(in|inp|input|pre|stim)[_0-9a-z]*");
    private static final Pattern WAVEFORM = Pattern.compile("(?i)(pulse|pwl|sin|exp|sffm|am|trnoise|trrandom)");

    /**
     * Reads and surveys a template.
     *
     * @throws RigConfigurationException the template breaks a safety rule, uses a name a rig file
     *                                   cannot declare, or defines a time-dependent source (file, line and reason)
     */
    public static NetlistSurvey of(Path path) {
        String body = NetlistTemplate.read(path);
        String shown = ShownPath.of(path).toString();
        NetlistGuard.checkTemplate(shown, body);
        List<String> names = parameterNames(shown, body);
        NetlistElements net = NetlistElements.parse(body);
        Set<String> elementNames = new LinkedHashSet<>();
        Map<String, List<Unit>> units = new LinkedHashMap<>();
        Map<String, List<String>> usedIn = new LinkedHashMap<>();
        for (NetlistElements.Scope scope : allScopes(net)) {
            for (Element e : scope.elements()) {
                elementNames.add(e.name());
                refuseWaveform(shown, e);
                guessUnits(net, e, units, usedIn);
            }
        }
        List<Parameter> parameters = new ArrayList<>();
        for (String name : names) {
            parameters.add(parameter(name, units.getOrDefault(name, List.of()), usedIn.getOrDefault(name, List.of())));
        }
        List<Supply> supplies = supplies(net);
        CmosOutputs cmos = new CmosOutputs(net);
        Map<String, String> finals = cmos.finals(net.top());
        Set<String> sourceNodes = new LinkedHashSet<>();
        supplies.forEach(s -> sourceNodes.add(s.node().toLowerCase(Locale.ROOT)));
        List<Candidate> outputs = new ArrayList<>();
        finals.forEach((node, why) -> outputs.add(new Candidate(net.spelled(node), why)));
        List<Candidate> others = new ArrayList<>();
        cmos.pushPull(net.top()).stream().filter(n -> !finals.containsKey(n))
                .forEach(n -> others.add(new Candidate(net.spelled(n), "push-pull node that drives another stage")));
        if (outputs.isEmpty()) {
            topNodes(net).stream().filter(n -> n.matches("(?i)(out|spk|spike|fire|o\\d).*"))
                    .forEach(n -> outputs.add(new Candidate(net.spelled(n), "named like an output (no CMOS output stage found)")));
        }
        List<Candidate> inputs = inputs(net, finals.keySet(), sourceNodes);
        return new NetlistSurvey(path, List.copyOf(parameters), List.copyOf(outputs), List.copyOf(others), inputs,
                supplies, Set.copyOf(elementNames));
    }

    private static List<NetlistElements.Scope> allScopes(NetlistElements net) {
        List<NetlistElements.Scope> all = new ArrayList<>();
        all.add(net.top());
        all.addAll(net.subckts().values());
        return all;
    }

    private static List<String> parameterNames(String shown, String body) {
        Set<String> names = new LinkedHashSet<>();
        List<String> lines = body.lines().toList();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("*")) {
                continue;
            }
            String where = shown + ":" + (n + 1) + ": ";
            for (String expr : NetlistTemplate.expressions(line)) {
                for (String name : NetlistTemplate.identifiers(where, expr)) {
                    if (!RIG_NAME.matcher(name).matches()) {
                        throw new RigConfigurationException(where + "parameter '" + name + "' cannot be declared in a rig file"
                                + " (names: a-z first, then a-z 0-9 _, at most 32 characters); rename it in the template");
                    }
                    names.add(name);
                }
            }
        }
        return List.copyOf(names);
    }

    private static void refuseWaveform(String shown, Element e) {
        if ((e.letter() == 'v' || e.letter() == 'i') && e.rest().stream().anyMatch(t -> WAVEFORM.matcher(t).matches())) {
            throw new RigConfigurationException(shown + ":" + e.line() + ": source " + e.name() + " has a waveform; tileloop"
                    + " generates every input pulse from the rig file: delete this line and rig new makes node '"
                    + e.nodes().get(0) + "' an input");
        }
    }

    /** R, C, L values are ohm, F, H; a V or I source's value V or A; in a product the first name has the unit, the others are factors. */
    private static void guessUnits(NetlistElements net, Element e, Map<String, List<Unit>> units, Map<String, List<String>> usedIn) {
        List<String> rest = e.rest();
        for (int i = 0; i < rest.size(); i++) {
            String token = rest.get(i);
            int brace = token.indexOf('{');
            if (brace < 0) {
                continue;
            }
            String expr = token.substring(brace + 1, token.lastIndexOf('}'));
            String key = token.substring(0, brace);
            boolean value = switch (e.letter()) {
                case 'r', 'c', 'l' -> (i == 0 && key.isEmpty()) || key.equals(e.letter() + "=");
                case 'v', 'i' -> key.isEmpty() && (i == 0 || rest.get(i - 1).equals("dc"));
                default -> false;
            };
            Unit unit = !value ? Unit.DIMENSIONLESS : switch (e.letter()) {
                case 'r' -> Unit.OHM;
                case 'c' -> Unit.FARAD;
                case 'l' -> Unit.HENRY;
                case 'v' -> Unit.VOLT;
                default -> Unit.AMPERE;
            };
            for (String term : terms(expr)) {
                List<String> ids = NetlistTemplate.identifiers("", term);
                for (int k = 0; k < ids.size(); k++) {
                    units.computeIfAbsent(ids.get(k), x -> new ArrayList<>()).add(k == 0 ? unit : Unit.DIMENSIONLESS);
                    List<String> where = usedIn.computeIfAbsent(ids.get(k), x -> new ArrayList<>());
                    if (!where.contains(net.spelledElement(e.name()))) {
                        where.add(net.spelledElement(e.name()));
                    }
                }
            }
        }
    }

    /** An expression split at its top-level + and -. */
    private static List<String> terms(String expr) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            boolean exponent = i > 0 && (expr.charAt(i - 1) == 'e' || expr.charAt(i - 1) == 'E') && i > 1 && Character.isDigit(expr.charAt(i - 2));
            if (depth == 0 && (c == '+' || c == '-') && !exponent) {
                out.add(expr.substring(start, i));
                start = i + 1;
            }
        }
        out.add(expr.substring(start));
        return out;
    }

    private static Parameter parameter(String name, List<Unit> seen, List<String> usedIn) {
        Set<Unit> physical = new LinkedHashSet<>(seen);
        physical.remove(Unit.DIMENSIONLESS);
        if (physical.size() == 1) {
            Unit u = physical.iterator().next();
            return new Parameter(name, u, usedIn, "the value of " + String.join(", ", usedIn));
        }
        if (physical.isEmpty()) {
            return new Parameter(name, Unit.DIMENSIONLESS, usedIn, usedIn.isEmpty() ? "unused" : "a factor or device parameter in "
                    + String.join(", ", usedIn));
        }
        return new Parameter(name, Unit.DIMENSIONLESS, usedIn, "used as " + String.join(" and ",
                physical.stream().map(Unit::symbol).toList()) + " in " + String.join(", ", usedIn) + ": check the unit");
    }

    private static List<Supply> supplies(NetlistElements net) {
        List<Supply> out = new ArrayList<>();
        for (Element e : net.top().elements()) {
            if (e.letter() != 'v' || e.nodes().size() < 2 || !NetlistElements.isGround(e.nodes().get(1))) {
                continue;
            }
            List<String> rest = e.rest();
            int at = !rest.isEmpty() && rest.get(0).equals("dc") ? 1 : 0;
            OptionalDouble volts = at < rest.size() ? NetlistElements.number(rest.get(at)) : OptionalDouble.empty();
            if (volts.isPresent() && volts.getAsDouble() > 0) {
                out.add(new Supply(net.spelledElement(e.name()), net.spelled(e.nodes().get(0)), volts.getAsDouble()));
            }
        }
        out.sort((a, b) -> {
            boolean sa = SUPPLY_NAME.matcher(a.source() + " " + a.node()).matches();
            boolean sb = SUPPLY_NAME.matcher(b.source() + " " + b.node()).matches();
            return sa != sb ? (sa ? -1 : 1) : Double.compare(b.volts(), a.volts());
        });
        return List.copyOf(out);
    }

    private static List<String> topNodes(NetlistElements net) {
        Set<String> nodes = new LinkedHashSet<>();
        net.top().elements().forEach(e -> nodes.addAll(e.nodes()));
        nodes.removeIf(NetlistElements::isGround);
        return List.copyOf(nodes);
    }

    /**
     * Top-level nodes nothing drives: every element on them is a resistor, capacitor, inductor or
     * diode not tied to ground, or a transistor gate (or a diode-connected drain); no source,
     * subcircuit pin, output or channel terminal. Failing that, nodes named like inputs.
     */
    private static List<Candidate> inputs(NetlistElements net, Set<String> outputs, Set<String> sourceNodes) {
        Map<String, List<String>> through = new LinkedHashMap<>();
        Set<String> driven = new LinkedHashSet<>(outputs);
        driven.addAll(sourceNodes);
        for (Element e : net.top().elements()) {
            List<String> nodes = e.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                String n = nodes.get(i);
                boolean passive = "rcld".indexOf(e.letter()) >= 0 && nodes.size() == 2
                        && !NetlistElements.isGround(nodes.get(1 - i));
                boolean gate = "mqj".indexOf(e.letter()) >= 0 && (i == 1 || (i == 0 && nodes.size() > 1 && nodes.get(1).equals(n)));
                if (passive || gate) {
                    through.computeIfAbsent(n, x -> new ArrayList<>()).add(net.spelledElement(e.name()));
                } else {
                    driven.add(n);
                }
            }
        }
        List<Candidate> out = new ArrayList<>();
        through.forEach((node, elements) -> {
            if (!driven.contains(node) && !NetlistElements.isGround(node)) {
                out.add(new Candidate(net.spelled(node), "nothing drives it; reached through " + String.join(", ", elements.stream().distinct().toList())));
            }
        });
        if (out.isEmpty()) {
            topNodes(net).stream().filter(n -> INPUT_NAME.matcher(n).matches() && !driven.contains(n))
                    .forEach(n -> out.add(new Candidate(net.spelled(n), "named like an input")));
        }
        return List.copyOf(out);
    }
}
