package org.tileloop.rig.spice;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tileloop.rig.spice.NetlistElements.Element;
import org.tileloop.rig.spice.NetlistElements.Scope;

/**
 * Finds the nodes of a scope that look like neuron outputs: a push-pull node (the drain of both a
 * PMOS and an NMOS) that is not the gate of another push-pull stage, or a node on a subcircuit
 * port that is such an output inside the subcircuit. The first inverter of a two-inverter buffer
 * drives the second, so only the last one's node is an output.
 */
final class CmosOutputs {

    private final NetlistElements net;
    private final Map<String, Set<String>> outputPorts = new HashMap<>();
    private final Set<String> visiting = new HashSet<>();

    CmosOutputs(NetlistElements net) {
        this.net = net;
    }

    /** Push-pull nodes of {@code scope}, in order of appearance. */
    Set<String> pushPull(Scope scope) {
        Set<String> pmos = new LinkedHashSet<>();
        Set<String> nmos = new LinkedHashSet<>();
        for (Element e : scope.elements()) {
            if (e.letter() == 'm' && e.nodes().size() == 4) {
                String type = e.firstRest().map(m -> net.modelTypes().getOrDefault(m, "")).orElse("");
                (type.equals("pmos") ? pmos : type.equals("nmos") ? nmos : new HashSet<String>()).add(e.nodes().get(0));
            }
        }
        pmos.retainAll(nmos);
        pmos.removeIf(NetlistElements::isGround);
        return pmos;
    }

    /** Output nodes of {@code scope} with the reason, in order of appearance. */
    Map<String, String> finals(Scope scope) {
        Set<String> pushPull = pushPull(scope);
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : pushPull) {
            out.put(n, "CMOS output (drain of a PMOS and an NMOS)");
        }
        for (Element e : scope.elements()) {
            if (e.letter() != 'x' || e.rest().isEmpty()) {
                continue;
            }
            String sub = e.rest().get(0);
            Scope def = net.subckts().get(sub);
            if (def == null) {
                continue;
            }
            Set<String> ports = outputPorts(def);
            for (int i = 0; i < Math.min(def.ports().size(), e.nodes().size()); i++) {
                if (ports.contains(def.ports().get(i)) && !NetlistElements.isGround(e.nodes().get(i))) {
                    out.putIfAbsent(e.nodes().get(i), "output '" + def.ports().get(i) + "' of " + net.spelledElement(e.name())
                            + " (subcircuit " + sub + ")");
                }
            }
        }
        Set<String> feeding = new HashSet<>();
        for (Element e : scope.elements()) {
            if (e.letter() == 'm' && e.nodes().size() == 4 && pushPull.contains(e.nodes().get(0))
                    && !e.nodes().get(0).equals(e.nodes().get(1))) {
                feeding.add(e.nodes().get(1));
            }
        }
        out.keySet().removeAll(feeding);
        return out;
    }

    private Set<String> outputPorts(Scope def) {
        Set<String> known = outputPorts.get(def.name());
        if (known != null) {
            return known;
        }
        if (!visiting.add(def.name())) {
            return Set.of();
        }
        Set<String> ports = new LinkedHashSet<>(finals(def).keySet());
        ports.retainAll(List.copyOf(def.ports()));
        visiting.remove(def.name());
        outputPorts.put(def.name(), ports);
        return ports;
    }
}
