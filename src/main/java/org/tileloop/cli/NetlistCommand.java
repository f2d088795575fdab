package org.tileloop.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.spice.NetlistRenderer;
import org.tileloop.rig.spice.SpiceSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "netlist", mixinStandardHelpOptions = true,
        description = "Print the exact netlist measure simulates for one stimulus (runs with ngspice -b).")
final class NetlistCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RigOptions rigOptions;

    @Option(names = "--delays", paramLabel = "NS", split = ",", description = "Input pulse delay in ns (one value: a netlist simulates one stimulus).")
    java.util.List<Double> delaysNs;

    @Option(names = "--delay", hidden = true, paramLabel = "NS", description = "Deprecated spelling of --delays.")
    Double oldDelayNs;

    @Option(names = "--input", paramLabel = "NAME", description = "Input the delay applies to (default: the rig's first input).")
    String input;

    @Override
    public Integer call() {
        if (oldDelayNs != null) {
            OldSpelling.use(spec, "--delay", "--delays");
        }
        java.util.List<Double> delays = oldDelayNs != null ? java.util.List.of(oldDelayNs) : delaysNs;
        if (delays == null || delays.size() != 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--delays: give exactly one delay in ns (a netlist simulates one stimulus), e.g. --delays 4.5");
        }
        double delayNs = delays.get(0);
        RigFile file = rigOptions.rig.load();
        SpiceSettings sim = file.simulator().orElseThrow(() -> new RigConfigurationException(
                "--rig " + rigOptions.rig.ref + ": rig " + file.description().id() + " is not simulated; it has no netlist"));
        ParameterVector params = file.description().withOverrides(rigOptions.overrides());
        String in = input != null ? input : file.description().inputs().get(0).name();
        Stimulus stimulus = new Stimulus(Map.of(in, delayNs));
        file.description().validate(stimulus, sim.tstopNs());
        spec.commandLine().getOut().print(NetlistRenderer.of(file.description(), sim).render(params, stimulus));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
