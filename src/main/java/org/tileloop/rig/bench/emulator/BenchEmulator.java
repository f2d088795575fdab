package org.tileloop.rig.bench.emulator;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.bench.BenchRig;
import org.tileloop.rig.bench.BenchSettings;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.file.Rigs;

/**
 * Runs the reference firmware's host build ({@code drivers/firmware}, {@code make host}) as a bench
 * on a socat pseudo-terminal pair: the host side appears at {@code device}. When the emulator
 * exits for its disconnect fault (status 3), the pty pair is torn down (the device vanishes like
 * an unplugged USB adapter) and brought back after {@code replugDelayMs} without that fault.
 * The tile is the emulator's built-in model or, with {@link Options#tile(Path)}, a SPICE simulation
 * of a simulated rig (e.g. a mismatched chip) behind the same timing chain.
 */
public final class BenchEmulator implements AutoCloseable {

    /**
     * Emulator flags (see {@code bench-emulator --help}); negative counts mean "never".
     *
     * @param tile when present, the simulated rig file whose SPICE tile answers every measurement
     *             instead of the emulator's built-in model ({@code --tile-oracle}); the timing chain,
     *             jitter, faults and truth log stay the emulator's
     */
    public record Options(long seed, double corruptRate, double dropRate, long disconnectAfter, long interlockAfter,
                          double jitterPs, Path truth, List<Double> offsetsPs, List<Double> gainPpm, long driftAfter,
                          double driftPs, Path tile) {
        public static Options clean(long seed) {
            return new Options(seed, 0, 0, -1, -1, 3.0, null, List.of(), List.of(), -1, 0, null);
        }

        /** The same emulator with these faults. */
        public Options faults(double corrupt, double drop, long disconnect, long interlock) {
            return new Options(seed, corrupt, drop, disconnect, interlock, jitterPs, truth, offsetsPs, gainPpm, driftAfter, driftPs, tile);
        }

        public Options truth(Path file) {
            return new Options(seed, corruptRate, dropRate, disconnectAfter, interlockAfter, jitterPs, file, offsetsPs, gainPpm,
                    driftAfter, driftPs, tile);
        }

        /** Timing-chain offsets (ps) and gain errors (ppm) per channel, and a drift of driftPs after driftAfter measurements. */
        public Options chain(List<Double> offsets, List<Double> gains, long after, double drift) {
            return new Options(seed, corruptRate, dropRate, disconnectAfter, interlockAfter, jitterPs, truth, offsets, gains, after, drift,
                    tile);
        }

        /** Timing jitter, standard deviation in ps (0: none; timestamps are then the chain's transform rounded to the LSB). */
        public Options jitter(double ps) {
            return new Options(seed, corruptRate, dropRate, disconnectAfter, interlockAfter, ps, truth, offsetsPs, gainPpm, driftAfter,
                    driftPs, tile);
        }

        /** The SPICE tile of this simulated rig file (e.g. rigs/sim-tile4-chip1.yaml) instead of the built-in model. */
        public Options tile(Path simulatedRigFile) {
            return new Options(seed, corruptRate, dropRate, disconnectAfter, interlockAfter, jitterPs, truth, offsetsPs, gainPpm,
                    driftAfter, driftPs, simulatedRigFile);
        }

        List<String> args() {
            List<String> a = new ArrayList<>(List.of("--seed", Long.toString(seed), "--jitter-ps", fmt(jitterPs),
                    "--corrupt-rate", fmt(corruptRate), "--drop-rate", fmt(dropRate)));
            if (disconnectAfter >= 0) {
                a.addAll(List.of("--disconnect-after", Long.toString(disconnectAfter)));
            }
            if (interlockAfter >= 0) {
                a.addAll(List.of("--interlock-after", Long.toString(interlockAfter)));
            }
            if (truth != null) {
                a.addAll(List.of("--truth", truth.toString()));
            }
            if (!offsetsPs.isEmpty()) {
                a.addAll(List.of("--offsets-ps", join(offsetsPs)));
            }
            if (!gainPpm.isEmpty()) {
                a.addAll(List.of("--gain-ppm", join(gainPpm)));
            }
            if (driftAfter >= 0) {
                a.addAll(List.of("--drift-after", Long.toString(driftAfter), "--drift-ps", fmt(driftPs)));
            }
            return a;
        }

        private static String join(List<Double> v) {
            return String.join(",", v.stream().map(Options::fmt).toList());
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%s", v);
        }
    }

    private final Path executable;
    private final Path device;
    private final Path emulatorSide;
    private volatile Options options;
    private final long replugDelayMs;
    private Process socat;
    private Process emulator;
    private final Thread supervisor;
    private volatile boolean closing;
    private volatile int replugs;
    private final TileOracle oracle;

    private BenchEmulator(Path executable, Path device, Options options, long replugDelayMs, TileOracle oracle) {
        this.oracle = oracle;
        this.executable = executable;
        this.device = device;
        this.emulatorSide = device.resolveSibling(device.getFileName() + ".emulator");
        this.options = options;
        this.replugDelayMs = replugDelayMs;
        this.supervisor = new Thread(this::supervise, "bench-emulator");
        this.supervisor.setDaemon(true);
    }

    /**
     * Builds the emulator if needed and starts it with the host side of the pty at {@code device}.
     * With {@link Options#tile()}, one SPICE rig of that file answers every measurement (also
     * across unplug faults) until {@link #close()}.
     *
     * @throws org.tileloop.rig.RigConfigurationException the tile rig file is not a usable simulated rig
     */
    public static BenchEmulator start(Path firmwareDir, Path device, Options options) throws IOException {
        Path executable = build(firmwareDir);
        return start(executable, device, options, options.tile() == null ? null : SpiceTile.open(options.tile()));
    }

    /** Starts {@code executable}; with an oracle, {@code --tile-oracle} and the oracle answers (closed with the emulator). */
    static BenchEmulator start(Path executable, Path device, Options options, TileOracle oracle) throws IOException {
        BenchEmulator e = new BenchEmulator(executable, device, options, 300, oracle);
        try {
            e.plug();
        } catch (IOException | RuntimeException ex) {
            e.close();
            throw ex;
        }
        e.supervisor.start();
        return e;
    }

    /** {@code benchRigFile} (e.g. rigs/bench-emulated-chip1.yaml) with its {@code bench.device} set to this emulator's device. */
    public RigFile rigFile(Path benchRigFile) {
        RigFile f = RigFileLoader.load(benchRigFile);
        BenchSettings b = f.bench().orElseThrow(() -> new org.tileloop.rig.RigConfigurationException(
                org.tileloop.input.ShownPath.of(benchRigFile) + ": not a bench rig (kind: bench)"));
        BenchSettings here = new BenchSettings(device.toString(), b.baud(), b.timeoutMs(), b.retries(), b.reconnectTimeoutS(),
                b.boardId(), b.gpio());
        return new RigFile(f.path(), f.sha256(), f.description(), f.simulator(), Optional.of(here), f.calibration(), f.digital());
    }

    /** Opens the bench rig of {@code benchRigFile} on this emulator's device, uncalibrated; the caller closes it. */
    public BenchRig openRig(Path benchRigFile) {
        return (BenchRig) Rigs.open(rigFile(benchRigFile));
    }

    /** {@code make -C firmwareDir host}; returns the emulator binary. */
    public static Path build(Path firmwareDir) throws IOException {
        Path make = which("make");
        if (make == null || (which("cc") == null && which("gcc") == null)) {
            throw new RigUnavailableException("building the bench emulator needs make and a C compiler: sudo apt-get install -y gcc make");
        }
        Process p = new ProcessBuilder(make.toString(), "-s", "-C", firmwareDir.toString(), "host").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new RigUnavailableException("make -C " + firmwareDir + " host failed:\n" + out);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new RigUnavailableException("interrupted while building the bench emulator", ie);
        }
        return firmwareDir.resolve("build/bench-emulator");
    }

    static Path which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    public Path device() {
        return device;
    }

    /** Times the device was unplugged and plugged back in. */
    public int replugs() {
        return replugs;
    }

    private synchronized void plug() throws IOException {
        if (closing) {
            return;
        }
        Path socatBin = which("socat");
        if (socatBin == null) {
            throw new RigUnavailableException("the bench emulator needs socat: sudo apt-get install -y socat");
        }
        Files.deleteIfExists(device);
        Files.deleteIfExists(emulatorSide);
        socat = new ProcessBuilder(socatBin.toString(), "pty,raw,echo=0,link=" + device, "pty,raw,echo=0,link=" + emulatorSide)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(device) && Files.exists(emulatorSide))) {
            if (!socat.isAlive() || System.nanoTime() > deadline) {
                socat.destroyForcibly();
                throw new RigUnavailableException("socat did not create the pty pair at " + device);
            }
            sleep(10);
        }
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--port", emulatorSide.toString()));
        cmd.addAll(options.args());
        var log = ProcessBuilder.Redirect.appendTo(device.resolveSibling(device.getFileName() + ".log").toFile());
        if (oracle == null) {
            emulator = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        } else {
            cmd.add("--tile-oracle");
            emulator = new ProcessBuilder(cmd).redirectError(log).start();
            TileOracle.serve(oracle, emulator);
        }
    }

    private synchronized void unplug() {
        if (emulator != null) {
            emulator.destroyForcibly();
        }
        if (socat != null) {
            socat.destroyForcibly();
            try {
                socat.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void supervise() {
        while (!closing) {
            Process p;
            synchronized (this) {
                p = emulator;
            }
            int status;
            try {
                status = p.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            if (closing) {
                return;
            }
            unplug();
            if (status != 3) {
                System.err.println("bench-emulator exited with status " + status + "; restarting it");
            }
            Options o = options;
            options = o.faults(o.corruptRate(), o.dropRate(), -1, -1);
            sleep(replugDelayMs);
            try {
                plug();
                replugs++;
            } catch (IOException | RuntimeException e) {
                System.err.println("bench-emulator: cannot plug back in: " + e.getMessage());
                return;
            }
        }
    }

    /** Blocks until {@link #close()} (for the CLI). */
    public void awaitClose() throws InterruptedException {
        supervisor.join();
    }

    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        supervisor.interrupt();
        unplug();
        if (oracle != null) {
            oracle.close();
        }
        try {
            Files.deleteIfExists(device);
            Files.deleteIfExists(emulatorSide);
        } catch (IOException e) {
            // socat removes its links itself; nothing left to do
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
