package org.tileloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigException;
import org.tileloop.rig.RigUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "tileloop", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Hardware-in-the-loop training for analog spiking tiles.",
        subcommands = {DescribeCommand.class, MeasureCommand.class, NetlistCommand.class, RigCommand.class,
                SensitivityCommand.class, TrainCommand.class, CalibrateCommand.class, CalibrationCommand.class, BenchEmulatorCommand.class, DaemonCommand.class, WorkerCommand.class, SweepCommand.class, LeaseCommand.class,
                InitConfigCommand.class, CompletionCommand.class,
                ClientCommands.Submit.class, ClientCommands.Jobs.class, ClientCommands.Cancel.class, ClientCommands.Pause.class,
                ClientCommands.Resume.class, MonitorCommand.class, DashboardCommand.class, BenchCommand.class, CompareCommand.class, RunsCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static final int EXIT_CONFIG = 2;
    public static final int EXIT_UNAVAILABLE = 3;
    public static final int EXIT_MEASUREMENT = 4;

    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_IO = 6;

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean debug = rest.remove("--debug") | "1".equals(System.getenv("TILELOOP_DEBUG"));
        System.exit(commandLine(debug).execute(rest.toArray(String[]::new)));
    }

    public static CommandLine commandLine() {
        return commandLine(false);
    }

    /**
     * The command line with tileloop's one top-level failure handler: every failure becomes one
     * line on stderr ({@code error: ...}) and its documented exit code; {@code debug} (the
     * {@code --debug} flag anywhere, or {@code TILELOOP_DEBUG=1}) adds the stack trace.
     */
    public static CommandLine commandLine(boolean debug) {
        CommandLine cl = new CommandLine(new Main());
        cl.registerConverter(Double.class, Main::decimal);
        cl.registerConverter(double.class, Main::decimal);
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            int code = exitCode(ex);
            String message = org.tileloop.input.Failures.describe(ex);
            PrintWriter err = line.getErr();
            err.println("error: " + (code == EXIT_INTERNAL ? "internal error: " : code == EXIT_IO ? "I/O failure: " : "")
                    + StrictInput.oneLine(message.replace('\n', ' ')) + (debug || code != EXIT_INTERNAL ? "" : " (run with --debug for details)"));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + StrictInput.oneLine(ex.getMessage()) + " (see: "
                    + ex.getCommandLine().getCommandSpec().qualifiedName(" ") + " --help)");
            err.flush();
            return EXIT_CONFIG;
        });
        return cl;
    }

    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d{1,3})?");

    /** Command-line numbers: plain decimal only (no hex floats, NaN or Infinity), finite, and not rounded to zero. */
    static double decimal(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new CommandLine.TypeConversionException("'" + StrictInput.printable(text) + "' is not a decimal number");
        }
        double v = Double.parseDouble(text);
        if (!Double.isFinite(v) || (v == 0 && text.matches(".*[1-9].*[eE].*"))) {
            throw new CommandLine.TypeConversionException("'" + StrictInput.printable(text) + "' is out of range for a number");
        }
        return v;
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof RigConfigurationException || ex instanceof BadInputException) {
            return EXIT_CONFIG;
        }
        if (ex instanceof RigUnavailableException) {
            return EXIT_UNAVAILABLE;
        }
        if (ex instanceof RigException) {
            return EXIT_MEASUREMENT;
        }
        if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            return EXIT_IO;
        }
        return EXIT_INTERNAL;
    }

    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The git commit the running build was made from ("+dirty" when it had local changes), or empty. */
    public static java.util.Optional<String> gitCommit() {
        try (var in = Main.class.getResourceAsStream("/tileloop-git.properties")) {
            if (in == null) {
                return java.util.Optional.empty();
            }
            var p = new java.util.Properties();
            p.load(in);
            String id = p.getProperty("git.commit.id", "");
            return id.isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(id + ("true".equals(p.getProperty("git.dirty")) ? "+dirty" : ""));
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tileloop " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
