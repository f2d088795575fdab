package org.tileloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tileloop.input.BadInputException;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.file.RigCheck;
import org.tileloop.rig.file.RigLocator;
import org.tileloop.rig.file.RigScaffold;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.spice.NetlistSurvey;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.StepTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tileloop rig ...}: turning a netlist into a rig file and checking a rig file before training. */
@Command(name = "rig", mixinStandardHelpOptions = true,
        description = {"Make and check rig files for your own netlists (see simulated-rig/README.md, \"Your own tile\")."},
        subcommands = {RigCommand.New.class, RigCommand.Check.class, RigCommand.TuneStep.class})
final class RigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give a subcommand: new, check or tune-step");
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = {"Scaffold a rig file from a netlist template: parameters from its {name} expressions (units guessed),"
                    + " output nodes, input nodes and the supply, each guess commented.",
                    "Bounds, safety limits and time scales are left as TODO; the rig loader refuses a file until none is left."})
    static final class New implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--netlist", required = true, paramLabel = "FILE", description = "The netlist template (.cir); it must pass the template safety rules.")
        Path netlist;

        @Option(names = "--out", paramLabel = "FILE", description = "Rig file to write (refused if it exists; default rigs/<id>.yaml, the id made from the netlist's name).")
        Path out;

        @Override
        public Integer call() throws IOException {
            NetlistSurvey survey = NetlistSurvey.of(netlist);
            Path target = out != null ? out : RigScaffold.defaultOut(netlist);
            String text = RigScaffold.render(survey, target);
            try {
                Files.writeString(target, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                throw new BadInputException(ShownPath.of(target) + ": already exists; rig new does not overwrite files (choose another --out)");
            } catch (NoSuchFileException e) {
                throw new BadInputException(ShownPath.of(target) + ": directory " + ShownPath.of(target.toAbsolutePath().getParent())
                        + " does not exist (create it, or choose another --out)");
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println("wrote " + ShownPath.of(target) + ": " + survey.parameters().size() + " template parameters, "
                    + survey.outputs().size() + " output candidates, " + survey.inputs().size() + " inputs; "
                    + RigScaffold.placeholders(text).size() + " TODO to fill in, then: tileloop rig check " + ShownPath.of(target));
            err.flush();
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Run every check on a simulated rig: rig file (schema and rules), template safety, DC operating point,"
                    + " one stimulus per input and all together at the defaults, and whether every channel spikes.",
                    "One PASS/FAIL line per check. Exit 0: all passed; 2: the rig file or template is refused; 4: a check failed."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RIG", description = RigArgument.DESCRIPTION)
        String rig;

        @Override
        public Integer call() {
            Path file = RigLocator.isFile(rig) ? Path.of(rig) : RigArgument.file(rig, "RIG");
            PrintWriter out = spec.commandLine().getOut();
            int[] counts = new int[2];
            RigCheck.Outcome outcome = RigCheck.run(file, line -> {
                counts[line.status().ordinal()]++;
                out.printf(Locale.ROOT, "%-4s  %-15s  %s%n", line.status(), line.check(), line.detail());
                out.flush();
            });
            int total = counts[0] + counts[1];
            out.println(outcome == RigCheck.Outcome.PASSED ? "rig check: all " + total + " checks passed"
                    : "rig check: " + counts[1] + " of " + total + " checks failed" + (outcome == RigCheck.Outcome.BAD_INPUT
                    ? "; the other checks did not run" : ""));
            out.flush();
            return switch (outcome) {
                case PASSED -> 0;
                case BAD_INPUT -> Main.EXIT_CONFIG;
                case FAILED -> Main.EXIT_MEASUREMENT;
            };
        }
    }

    @Command(name = "tune-step", mixinStandardHelpOptions = true,
            description = {"Choose a simulated rig's time-step setting: runs seeded random first-spike probes with a fine reference"
                    + " (1 ps, gear) and with maximum steps 5-100 ps x trap/gear x ngspice tolerances, and prints a Markdown table of"
                    + " each setting's worst and mean first-spike change and its cost (Newton iterations, timepoints) relative to"
                    + " the untuned 10 ps trap.",
                    "Marks the cheapest setting within simulator.timing_tolerance_ps and prints the simulator.step line to put"
                    + " in the rig file. Progress goes to stderr."})
    static final class TuneStep implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RIG", description = RigArgument.DESCRIPTION)
        String rig;

        @Option(names = "--vectors", defaultValue = "24", paramLabel = "N",
                description = "Seeded random probes (parameter vectors and delays), 1 to 1000 (default ${DEFAULT-VALUE}).")
        int vectors;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the probes (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() {
            if (vectors < 1 || vectors > 1000) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--vectors must be in [1, 1000], got " + vectors);
            }
            Path path = RigLocator.isFile(rig) ? Path.of(rig) : RigArgument.file(rig, "RIG");
            RigFile file = RigFileLoader.load(path);
            var settings = file.simulator().orElseThrow(() -> new RigConfigurationException(
                    ShownPath.of(path) + ": rig " + file.description().id() + " is not simulated; tune-step needs kind: simulated"));
            PrintWriter err = spec.commandLine().getErr();
            StepTable.Result result = StepTable.tune(file.description(), settings, Ngspice.locate(), vectors, seed, line -> {
                err.println("tune-step: " + line);
                err.flush();
            });
            PrintWriter out = spec.commandLine().getOut();
            out.print(StepTable.markdown(file.description().id(), ShownPath.of(path).toString(), result));
            out.flush();
            return 0;
        }
    }
}
