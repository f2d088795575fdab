package org.tileloop.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sensitivity", mixinStandardHelpOptions = true,
        description = "Print a Markdown table of first-spike sensitivities (central differences) per parameter and channel.")
final class SensitivityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RigOptions rigOptions;

    @Option(names = "--delays", split = ",", defaultValue = "4.5", paramLabel = "NS",
            description = "Input delays in ns, comma-separated: one table each (default ${DEFAULT-VALUE}).")
    List<Double> delaysNs;

    @Option(names = "--delay", hidden = true, paramLabel = "NS", description = "Deprecated spelling of --delays.")
    Double oldDelayNs;

    @Option(names = "--input", paramLabel = "NAME", description = "Input the delays apply to (default: the rig's first input).")
    String input;

    @Option(names = "--step-pct", defaultValue = "1", paramLabel = "PCT",
            description = "Perturbation as %% of the parameter's value (default ${DEFAULT-VALUE}).")
    double stepPct;

    @Option(names = "--json", description = "One JSON object per parameter, channel and delay per line instead of Markdown tables.")
    boolean json;

    @Option(names = "--all", description = "All parameters, not only the trainable ones.")
    boolean all;

    private record Cell(String parameter, String unit, double value, String channel, double delayNs, Double psPerPct, Double nsPerUnit) {
    }

    @Override
    public Integer call() throws Exception {
        if (oldDelayNs != null) {
            OldSpelling.use(spec, "--delay", "--delays");
            delaysNs = List.of(oldDelayNs);
        }
        if (!(stepPct > 0 && stepPct <= 50)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--step-pct: " + stepPct + " is outside (0, 50]");
        }
        try (Rig rig = rigOptions.open()) {
            ParameterVector base = rig.description().withOverrides(rigOptions.overrides());
            String in = input != null ? input : rig.description().inputs().get(0).name();
            List<ChannelSpec> channels = rig.description().channels();
            List<ParameterSpec> shown = rig.description().parameters().stream().filter(p -> all || p.trainable()).toList();
            List<Probe> probes = new ArrayList<>();
            for (double d : delaysNs) {
                Stimulus stimulus = new Stimulus(Map.of(in, d));
                for (ParameterSpec p : shown) {
                    double v = base.get(p.name());
                    probes.add(new Probe(base.with(p.name(), Math.min(p.max(), v * (1 + stepPct / 100))), stimulus));
                    probes.add(new Probe(base.with(p.name(), Math.max(p.min(), v * (1 - stepPct / 100))), stimulus));
                }
            }
            List<StimulusResult> results = rig.measure(probes);
            List<Cell> cells = new ArrayList<>();
            for (int k = 0; k < probes.size(); k += 2) {
                ParameterSpec p = shown.get((k / 2) % shown.size());
                double v = base.get(p.name());
                double up = probes.get(k).parameters().get(p.name());
                double down = probes.get(k + 1).parameters().get(p.name());
                for (int c = 0; c < channels.size(); c++) {
                    var th = results.get(k).channels().get(c).firstSpike();
                    var tl = results.get(k + 1).channels().get(c).firstSpike();
                    Double perUnit = th.isEmpty() || tl.isEmpty() || up == down ? null
                            : (th.get().calibratedNs() - tl.get().calibratedNs()) / (up - down);
                    cells.add(new Cell(p.name(), p.unit(), v, channels.get(c).name(), probes.get(k).stimulus().delayNs(),
                            perUnit == null ? null : perUnit * v * 0.01 * 1000, perUnit));
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                for (Cell c : cells) {
                    var o = Json.MAPPER.createObjectNode().put("delay_ns", c.delayNs()).put("parameter", c.parameter()).put("unit", c.unit())
                            .put("value", c.value()).put("channel", c.channel());
                    o.put("dt_ps_per_pct", c.psPerPct());
                    o.put("dt_ns_per_unit", c.nsPerUnit());
                    out.println(Json.MAPPER.writeValueAsString(o));
                }
            } else {
                markdown(out, channels, shown.size(), cells);
            }
            out.flush();
        }
        return 0;
    }

    private void markdown(PrintWriter out, List<ChannelSpec> channels, int rows, List<Cell> cells) {
        int perDelay = rows * channels.size();
        for (int d = 0; d < delaysNs.size(); d++) {
            out.printf("Sensitivity of first-spike times at delay %s ns: dt/dp in ps per +1%% of the parameter (and in ns per unit).%n%n",
                    Numbers.plain(delaysNs.get(d)));
            out.println("| parameter | value | " + String.join(" | ", channels.stream().map(ChannelSpec::name).toList()) + " |");
            out.println("|---|---|" + "---|".repeat(channels.size()));
            for (int r = 0; r < rows; r++) {
                List<Cell> row = cells.subList(d * perDelay + r * channels.size(), d * perDelay + (r + 1) * channels.size());
                Cell first = row.get(0);
                out.printf("| %s | %s %s | %s |%n", first.parameter(), Numbers.sig(first.value()), first.unit(), String.join(" | ",
                        row.stream().map(c -> c.psPerPct() == null ? "no spike"
                                : (c.psPerPct() >= 0 ? "+" : "") + Numbers.sig(c.psPerPct(), 3) + " ps (" + (c.nsPerUnit() >= 0 ? "+" : "")
                                + Numbers.sig(c.nsPerUnit(), 3) + " ns/" + c.unit() + ")").toList()));
            }
            if (d < delaysNs.size() - 1) {
                out.println();
            }
        }
    }
}
