package org.tileloop.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
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

    @Option(names = "--delay", required = true, paramLabel = "NS", description = "Input pulse delay in ns.")
    double delayNs;

    @Option(names = "--input", paramLabel = "NAME", description = "Input the delay applies to (default: the rig's first input).")
    String input;

    @Override
    public Integer call() {
        RigFile file = RigFileLoader.load(rigOptions.rig);
        SpiceSettings sim = file.simulator().orElseThrow(() -> new RigConfigurationException(
                rigOptions.rig + ": rig " + file.description().id() + " is not simulated; it has no netlist"));
        ParameterVector params = file.description().withOverrides(rigOptions.overrides());
        String in = input != null ? input : file.description().inputs().get(0).name();
        Stimulus stimulus = new Stimulus(Map.of(in, delayNs));
        file.description().validate(stimulus, sim.tstopNs());
        spec.commandLine().getOut().print(NetlistRenderer.of(file.description(), sim).render(params, stimulus));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
