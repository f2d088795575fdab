package org.tileloop.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Show a rig's parameters, channels and inputs.",
                "On a bench rig, also what the controller says now (HELLO and STATUS: firmware, protocol version, state and",
                "counters since power-up), without resetting or arming anything; 'not reachable' when it does not answer."})
final class DescribeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    RigArgument rig;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var file = rig.load();
        RigDescription d = file.description();
        PrintWriter out = spec.commandLine().getOut();
        java.util.Optional<BenchStatusView> bench = file.bench().map(BenchStatusView::query);
        if (json) {
            ObjectNode o = toJson(d);
            bench.ifPresent(b -> o.set("bench", b.toJson()));
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } else {
            out.printf("rig %s (%s)%n%s%n%n", d.id(), d.kind().key(), d.description());
            out.printf("%-14s %-5s %10s %10s %10s %21s %s%n", "parameter", "unit", "min", "max", "default", "safety limits", "trainable");
            for (ParameterSpec p : d.parameters()) {
                out.printf("%-14s %-5s %10s %10s %10s %21s %s%n", p.name(), p.unit(), Numbers.plain(p.min()),
                        Numbers.plain(p.max()), Numbers.plain(p.defaultValue()),
                        "[" + Numbers.plain(p.safetyMin()) + ", " + Numbers.plain(p.safetyMax()) + "]",
                        p.trainable() ? "yes" : "");
            }
            out.printf("%n%-8s %-8s %12s %13s%n", "channel", "node", "threshold_v", "hysteresis_v");
            for (ChannelSpec c : d.channels()) {
                out.printf("%-8s %-8s %12s %13s%n", c.name(), c.node(), Numbers.plain(c.thresholdV()), Numbers.plain(c.hysteresisV()));
            }
            out.printf("%n%-8s %-8s %-8s %-10s %8s %9s%n", "input", "source", "node", "amplitude", "rise_ns", "width_ns");
            for (InputSpec i : d.inputs()) {
                out.printf("%-8s %-8s %-8s %-10s %8s %9s%n", i.name(), i.source(), i.node(), i.amplitudeParameter(),
                        Numbers.plain(i.riseNs()), Numbers.plain(i.widthNs()));
            }
            bench.ifPresent(b -> b.print(out));
        }
        return 0;
    }

    static ObjectNode toJson(RigDescription d) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", d.id());
        o.put("kind", d.kind().key());
        o.put("description", d.description());
        ArrayNode params = o.putArray("parameters");
        for (ParameterSpec p : d.parameters()) {
            params.addObject().put("name", p.name()).put("unit", p.unit()).put("min", p.min()).put("max", p.max())
                    .put("default", p.defaultValue()).put("safety_min", p.safetyMin()).put("safety_max", p.safetyMax())
                    .put("trainable", p.trainable());
        }
        ArrayNode channels = o.putArray("channels");
        for (ChannelSpec c : d.channels()) {
            channels.addObject().put("name", c.name()).put("node", c.node()).put("threshold_v", c.thresholdV())
                    .put("hysteresis_v", c.hysteresisV());
        }
        ArrayNode inputs = o.putArray("inputs");
        for (InputSpec i : d.inputs()) {
            inputs.addObject().put("name", i.name()).put("source", i.source()).put("node", i.node())
                    .put("amplitude_parameter", i.amplitudeParameter()).put("rise_ns", i.riseNs()).put("width_ns", i.widthNs());
        }
        return o;
    }
}
