package org.tileloop.cli;

import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigException;
import org.tileloop.rig.RigUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "tileloop", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Hardware-in-the-loop training for analog spiking tiles.",
        subcommands = {DescribeCommand.class, MeasureCommand.class, NetlistCommand.class,
                SensitivityCommand.class, TrainCommand.class, CalibrateCommand.class, CalibrationCommand.class, BenchEmulatorCommand.class, DaemonCommand.class,
                ClientCommands.Submit.class, ClientCommands.Jobs.class, ClientCommands.Cancel.class, ClientCommands.Pause.class,
                ClientCommands.Resume.class, MonitorCommand.class, BenchCommand.class, CompareCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static final int EXIT_CONFIG = 2;
    public static final int EXIT_UNAVAILABLE = 3;
    public static final int EXIT_MEASUREMENT = 4;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof RigException) {
                line.getErr().println("error: " + ex.getMessage());
                line.getErr().flush();
                if (ex instanceof RigConfigurationException) {
                    return EXIT_CONFIG;
                }
                return ex instanceof RigUnavailableException ? EXIT_UNAVAILABLE : EXIT_MEASUREMENT;
            }
            throw ex;
        });
        return cl;
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
