package org.tileloop.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tileloop.rig.ChannelSpec;
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

    @Option(names = "--delay", defaultValue = "4.5", paramLabel = "NS", description = "Input delay in ns (default ${DEFAULT-VALUE}).")
    double delayNs;

    @Option(names = "--step-pct", defaultValue = "1", paramLabel = "PCT",
            description = "Perturbation as % of the parameter's value (default ${DEFAULT-VALUE}).")
    double stepPct;

    @Option(names = "--all", description = "All parameters, not only the trainable ones.")
    boolean all;

    @Override
    public Integer call() {
        try (Rig rig = rigOptions.open()) {
            ParameterVector base = rig.description().withOverrides(rigOptions.overrides());
            Stimulus stimulus = new Stimulus(Map.of(rig.description().inputs().get(0).name(), delayNs));
            List<ChannelSpec> channels = rig.description().channels();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Sensitivity of first-spike times at delay %s ns: dt/dp in ps per +1%% of the parameter (and in ns per unit).%n%n",
                    org.tileloop.rig.Numbers.plain(delayNs));
            StringBuilder head = new StringBuilder("| parameter | value |");
            StringBuilder rule = new StringBuilder("|---|---|");
            for (ChannelSpec c : channels) {
                head.append(' ').append(c.name()).append(" |");
                rule.append("---|");
            }
            out.println(head);
            out.println(rule);
            List<ParameterSpec> shown = rig.description().parameters().stream().filter(p -> all || p.trainable()).toList();
            List<Probe> probes = new ArrayList<>();
            for (ParameterSpec p : shown) {
                double v = base.get(p.name());
                probes.add(new Probe(base.with(p.name(), Math.min(p.max(), v * (1 + stepPct / 100))), stimulus));
                probes.add(new Probe(base.with(p.name(), Math.max(p.min(), v * (1 - stepPct / 100))), stimulus));
            }
            List<StimulusResult> results = rig.measure(probes);
            for (int i = 0; i < shown.size(); i++) {
                ParameterSpec p = shown.get(i);
                double v = base.get(p.name());
                double up = probes.get(2 * i).parameters().get(p.name());
                double down = probes.get(2 * i + 1).parameters().get(p.name());
                StimulusResult hi = results.get(2 * i);
                StimulusResult lo = results.get(2 * i + 1);
                List<String> cells = new ArrayList<>();
                for (int c = 0; c < channels.size(); c++) {
                    var th = hi.channels().get(c).firstSpike();
                    var tl = lo.channels().get(c).firstSpike();
                    if (th.isEmpty() || tl.isEmpty() || up == down) {
                        cells.add("no spike");
                        continue;
                    }
                    double perUnit = (th.get().calibratedNs() - tl.get().calibratedNs()) / (up - down);
                    cells.add(String.format(Locale.ROOT, "%+.2f ps (%+.3g ns/%s)", perUnit * v * 0.01 * 1000, perUnit, p.unit()));
                }
                out.printf("| %s | %s %s | %s |%n", p.name(), org.tileloop.rig.Numbers.plain(v), p.unit(), String.join(" | ", cells));
            }
            out.flush();
        }
        return 0;
    }
}
