package org.tileloop.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Rig;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "measure", mixinStandardHelpOptions = true,
        description = "Measure first-spike times for a list of input delays.")
final class MeasureCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RigOptions rigOptions;

    @Option(names = "--delays", required = true, split = ",", paramLabel = "NS",
            description = "Input pulse delays in ns, comma-separated, e.g. 4.5,5.5,7.5.")
    List<Double> delaysNs;

    @Option(names = "--input", paramLabel = "NAME", description = "Input the delays apply to (default: the rig's first input).")
    String input;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--json", description = "One JSON object per stimulus per line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Double> overrides = rigOptions.overrides();
        try (Rig rig = rigOptions.open(fleet.opener())) {
            ParameterVector params = rig.description().withOverrides(overrides);
            String in = input != null ? input : rig.description().inputs().get(0).name();
            List<Stimulus> batch = new ArrayList<>();
            for (double d : delaysNs) {
                batch.add(new Stimulus(Map.of(in, d)));
            }
            List<StimulusResult> results = rig.measure(params, batch);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                for (StimulusResult r : results) {
                    out.println(Json.MAPPER.writeValueAsString(Json.stimulusResult(r)));
                }
            } else {
                printTable(out, rig, results);
            }
            out.flush();
        }
        return 0;
    }

    private static void printTable(PrintWriter out, Rig rig, List<StimulusResult> results) {
        out.printf("%-9s", "delay_ns");
        rig.description().channels().forEach(c -> out.printf(" %24s", c.name() + " first_ns/raw_ns (n)"));
        out.printf(" %10s%n", "energy_pj");
        for (StimulusResult r : results) {
            out.printf("%-9.3f", r.stimulus().delayNs());
            for (ChannelResult c : r.channels()) {
                String first = c.firstSpike().map(t -> String.format(java.util.Locale.ROOT, "%.4f/%.4f", t.calibratedNs(), t.rawNs()))
                        .orElse("-");
                out.printf(" %24s", first + " (" + (c.spikeCount().isPresent() ? c.spikeCount().getAsInt() : "-") + ")");
            }
            out.printf(" %10s%n", r.energyPj().isPresent() ? org.tileloop.rig.Numbers.sig(r.energyPj().getAsDouble()) : "-");
        }
        out.printf("times: calibrated/raw (calibration %s); (n) = spike count in the window, (-) when unknown%n",
                rig.calibration().id());
    }
}
