package org.tileloop.cli;

import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigException;
import org.tileloop.rig.RigUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "tileloop", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Hardware-in-the-loop training for analog spiking tiles.",
        subcommands = {DescribeCommand.class, MeasureCommand.class, NetlistCommand.class,
                SensitivityCommand.class, TrainCommand.class, CommandLine.HelpCommand.class})
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tileloop " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
