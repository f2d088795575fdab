package org.tileloop.rig.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;

/**
 * A rig file matched against a controller's handshake: every rig parameter, channel and input by
 * name on the controller, units and safety limits compatible; parameter values to codes
 * (drivers/protocol.md, HELLO: values to codes). Immutable.
 */
final class RigMapping {

    private final RigDescription description;
    private final Handshake handshake;
    private final int[] paramIndex;
    private final int[] channelIndex;
    private final Map<String, Integer> inputIndex = new LinkedHashMap<>();

    /** @throws RigConfigurationException the rig file asks for something the controller does not have or allow */
    RigMapping(RigDescription description, Handshake handshake) {
        this.description = description;
        this.handshake = handshake;
        this.paramIndex = mapParameters();
        this.channelIndex = new int[description.channels().size()];
        for (int c = 0; c < channelIndex.length; c++) {
            String name = description.channels().get(c).name();
            channelIndex[c] = handshake.channels().indexOf(name);
            if (channelIndex[c] < 0) {
                throw refuse("channels: '" + name + "' is not a channel of the controller (has " + handshake.channels() + ")");
            }
        }
        for (InputSpec in : description.inputs()) {
            int i = handshake.inputs().indexOf(in.name());
            if (i < 0) {
                throw refuse("inputs: '" + in.name() + "' is not an input of the controller (has " + handshake.inputs() + ")");
            }
            inputIndex.put(in.name(), i);
        }
    }

    int[] channelIndex() {
        return channelIndex.clone();
    }

    Map<String, Integer> inputIndex() {
        return Map.copyOf(inputIndex);
    }

    private RigConfigurationException refuse(String what) {
        return new RigConfigurationException("rig " + description.id() + " vs bench " + handshake.boardId() + ": " + what);
    }

    private int[] mapParameters() {
        int[] index = new int[description.parameters().size()];
        for (int i = 0; i < index.length; i++) {
            ParameterSpec p = description.parameters().get(i);
            Handshake.Param q = handshake.parameters().stream().filter(x -> x.name().equals(p.name())).findFirst()
                    .orElseThrow(() -> refuse("parameters: '" + p.name() + "' is not settable on the controller (has "
                            + handshake.parameters().stream().map(Handshake.Param::name).toList() + ")"));
            if (!q.unit().equalsIgnoreCase(p.unit())) {
                throw refuse("parameters: " + p.name() + " is in " + p.unit() + " in the rig file but " + q.unit() + " on the controller");
            }
            double tol = 1e-6 * (q.safetyMax() - q.safetyMin());
            if (p.safetyMin() < q.safetyMin() - tol || p.safetyMax() > q.safetyMax() + tol) {
                throw refuse("parameters: " + p.name() + " safety limits [" + Numbers.plain(p.safetyMin()) + ", "
                        + Numbers.plain(p.safetyMax()) + "] " + p.unit() + " exceed the controller's ["
                        + Numbers.plain(q.safetyMin()) + ", " + Numbers.plain(q.safetyMax()) + "]");
            }
            if (q.code(p.min()) < 0 || q.code(p.max()) < 0) {
                throw refuse("parameters: " + p.name() + " bounds [" + Numbers.plain(p.min()) + ", " + Numbers.plain(p.max())
                        + "] need codes outside the controller's safe window");
            }
            index[i] = q.index();
        }
        return index;
    }

    /** The codes the controller gets for a vector (after validation against the rig file); unlisted parameters get default_code. */
    int[] codes(ParameterVector v) {
        description.validate(v);
        int[] codes = new int[handshake.parameters().size()];
        for (Handshake.Param q : handshake.parameters()) {
            codes[q.index()] = q.defaultCode();
        }
        for (int i = 0; i < paramIndex.length; i++) {
            ParameterSpec p = description.parameters().get(i);
            Handshake.Param q = handshake.parameters().get(paramIndex[i]);
            int code = q.code(v.get(p.name()));
            double applied = q.value(code);
            if (code < 0 || !p.accepts(applied)) {
                throw new RigConfigurationException("rig " + description.id() + ": " + p.name() + " = "
                        + Numbers.plain(v.get(p.name())) + " " + p.unit() + " has no controller code inside " + p.allowedRange());
            }
            codes[q.index()] = code;
        }
        return codes;
    }

}
