package org.tileloop.rig.spice;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.RigUnavailableException;

/**
 * The ngspice executable, run in batch mode one netlist per process.
 *
 * <p>Located from the system property {@code tileloop.ngspice}, else the environment variable
 * {@code TILELOOP_NGSPICE}, else {@code ngspice} on {@code PATH}. Thread-safe: every run uses its
 * own process and its own files.
 */
public final class Ngspice {

    public static final String INSTALL_HINT = "install it with: sudo apt-get install -y ngspice";
    /** Messages that mean the run produced no usable result even when ngspice exits with 0. */
    private static final List<String> FATAL = List.of("timestep too small", "run simulation(s) aborted",
            "transient solution failed", "simulation interrupted", "fatal error", "error on line", "unknown subckt",
            "could not find");
    /** Lines that explain a non-zero exit, most specific first. */
    private static final List<String> EXPLAIN = List.of("gmin stepping failed", "singular matrix", "error", "failed");
    private static final Pattern VERSION = Pattern.compile("ngspice-(\\S+)");

    private final Path executable;

    private Ngspice(Path executable) {
        this.executable = executable;
    }

    /**
     * A process running this ngspice with {@code args} in {@code dir}: in its own session (see
     * {@link #SETSID}), with {@code -n} so no {@code spinit}/{@code .spiceinit} is read, and with an
     * environment of only {@code PATH}, {@code HOME=dir} and {@code LC_ALL=C}, so nothing outside
     * tileloop's own netlists can reach the simulator.
     */
    public ProcessBuilder process(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString());
        }
        cmd.add(executable.toString());
        cmd.add("-n");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", dir.toAbsolutePath().toString());
        env.put("LC_ALL", "C");
        return pb;
    }

    /** @throws RigUnavailableException naming what was looked for and the install command */
    public static Ngspice locate() {
        String configured = System.getProperty("tileloop.ngspice", System.getenv("TILELOOP_NGSPICE"));
        return locate(configured == null || configured.isBlank() ? "ngspice" : configured);
    }

    public static Ngspice locate(String command) {
        return find(command).map(Ngspice::new).orElseThrow(() -> new RigUnavailableException(
                "ngspice not found (looked for '" + command + "'" + (command.contains("/") ? "" : " on PATH")
                        + "); " + INSTALL_HINT));
    }

    private static Optional<Path> find(String command) {
        if (command.contains(File.separator)) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public Path executable() {
        return executable;
    }

    /**
     * ngspice dies on SIGINT; run in its own session, a Ctrl-C on the terminal reaches only
     * tileloop, which then stops at an iteration boundary instead of losing the batch.
     */
    static final Path SETSID = Path.of("/usr/bin/setsid");

    /** Resident memory of process {@code pid} from /proc, kB (0 when unknown): for ngspice workers and the benchmark's JVM. */
    public static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** The version string ngspice reports, e.g. {@code 39}. */
    public String version() {
        try {
            Process p = process(Path.of(System.getProperty("java.io.tmpdir")), "-v").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = VERSION.matcher(out);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            throw new RigUnavailableException("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RigUnavailableException("interrupted while asking ngspice for its version", e);
        }
    }

    /**
     * Runs {@code netlist} in batch mode, writing the binary raw file {@code raw}; returns the
     * console output.
     *
     * @throws MeasurementException on timeout, a non-zero exit or an ngspice error message
     */
    public String runBatch(Path netlist, Path raw, double timeoutS) {
        Path log = raw.resolveSibling(raw.getFileName() + ".log");
        Process p;
        try {
            p = process(netlist.getParent(), "-b", "-r", raw.toString(), netlist.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new RigUnavailableException("cannot start " + executable + ": " + e.getMessage() + "; " + INSTALL_HINT, e);
        }
        try {
            if (!p.waitFor((long) Math.ceil(timeoutS * 1000), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new MeasurementException("ngspice did not finish within " + timeoutS + " s (simulator.timeout_s)");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MeasurementException("interrupted while ngspice was running", e);
        }
        String output;
        try {
            output = Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            output = "";
        }
        checkOutput(output);
        if (p.exitValue() != 0) {
            String lower = output.toLowerCase(Locale.ROOT);
            for (String hint : EXPLAIN) {
                int at = lower.lastIndexOf(hint);
                if (at >= 0) {
                    throw new MeasurementException("ngspice exited with status " + p.exitValue() + ": " + lineAround(output, at));
                }
            }
            throw new MeasurementException("ngspice exited with status " + p.exitValue() + ": " + tail(output));
        }
        return output;
    }

    /** A breakpoint pause ({@link FirstSpikeStop}): ngspice reports it as an interrupted simulation. */
    private static final Pattern PAUSE = Pattern.compile("(?m)^doAnalyses: pause requested\\s*^(run )?simulation interrupted$");

    /** Throws when ngspice's console output says the run produced no usable result (a breakpoint pause is not a failure). */
    static void checkOutput(String output) {
        String cleaned = PAUSE.matcher(output).replaceAll("");
        String lower = cleaned.toLowerCase(Locale.ROOT);
        for (String fatal : FATAL) {
            int at = lower.indexOf(fatal);
            if (at >= 0) {
                throw new MeasurementException("ngspice failed (" + (fatal.equals("timestep too small")
                        ? "non-convergence" : "simulation error") + "): " + lineAround(cleaned, at));
            }
        }
    }

    private static String lineAround(String text, int at) {
        int start = text.lastIndexOf('\n', at) + 1;
        int end = text.indexOf('\n', at);
        return text.substring(start, end < 0 ? text.length() : end).strip();
    }

    private static String tail(String text) {
        String[] lines = text.strip().split("\n");
        return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
    }
}
