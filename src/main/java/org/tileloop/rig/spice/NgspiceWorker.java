package org.tileloop.rig.spice;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.RigUnavailableException;

/**
 * One long-lived {@code ngspice -p} process driven over its pipes: each run is
 * {@code source} + {@code run} (or {@link FirstSpikeStop}'s commands) + {@code write} (binary raw) + {@code destroy all}, so no process
 * start per measurement; {@code destroy all} and {@code remcirc} after each run keep plots and
 * circuits from piling up (without {@code remcirc} ngspice 39 grew by ~110 kB per run). One user at a time.
 */
final class NgspiceWorker implements AutoCloseable {

    /** The worker cannot be trusted any more (died, hung): replace it. */
    static final class WorkerFailure extends Exception {
        WorkerFailure(String message) {
            super(message);
        }
    }

    private static final String DONE = "@@tileloop-done ";
    private final Process process;
    private final Writer in;
    /** Each finished run's console output, whole (one hand-over per run, not per line); {@code marker} "eof" when the process ended. */
    private record Finished(String marker, String output) {
    }

    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private long runs;

    /** Starts {@code ngspice -n -p} in the private scratch directory {@code dir} (see {@link Ngspice#process}). */
    NgspiceWorker(Ngspice ngspice, Path dir) {
        try {
            process = ngspice.process(dir, "-p").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new RigUnavailableException("cannot start " + ngspice.executable() + ": " + e.getMessage() + "; " + Ngspice.INSTALL_HINT, e);
        }
        in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (l.startsWith(DONE)) {
                        finished.add(new Finished(l, out.toString()));
                        out.setLength(0);
                    } else {
                        out.append(l).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            finished.add(new Finished(DONE + "eof", out.toString()));
        }, "ngspice-out-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    long runs() {
        return runs;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory of the ngspice process, kB (0 when unknown). */
    long rssKb() {
        return Ngspice.rssKb(process.pid());
    }

    /**
     * Queues one run: simulate {@code netlist} with {@code run} (the commands that run its transient:
     * {@link FirstSpikeStop#WHOLE_WINDOW} or {@link FirstSpikeStop#commands}), write {@code vectors}
     * (space-separated; empty: all saved) to {@code raw} (binary), {@code destroy all}. ngspice starts
     * it as soon as the runs queued before it are done, so a caller can keep the next run queued while
     * it reads results. With {@code usage} the run's output ends with its {@link #usage} lines.
     *
     * @return the run's id, for {@link #await}
     */
    long submit(Path netlist, Path raw, String vectors, String run, boolean usage) throws WorkerFailure {
        long id = ++runs;
        try {
            in.write("set filetype=binary\nset noinit\nsource " + netlist + "\n" + run + (usage ? "rusage traniter tranpoints\n" : "")
                    + "write " + raw + (vectors.isEmpty() ? "" : " " + vectors)
                    + "\ndestroy all\nremcirc\necho " + DONE + id + "\n");
            in.flush();
        } catch (IOException e) {
            throw new WorkerFailure("ngspice worker " + process.pid() + " is gone: " + e.getMessage());
        }
        return id;
    }

    /**
     * Waits for run {@code id}, which must be the oldest run not yet awaited.
     *
     * @return the run's console output
     * @throws MeasurementException ngspice reported a failed simulation (the worker stays usable)
     * @throws WorkerFailure the process died or did not finish within {@code timeoutS}
     */
    String await(long id, double timeoutS) throws WorkerFailure {
        String marker = DONE + id;
        long deadline = System.nanoTime() + (long) (timeoutS * 1e9);
        String out;
        while (true) {
            Finished f;
            try {
                f = finished.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkerFailure("interrupted");
            }
            if (f == null) {
                throw new WorkerFailure("ngspice did not finish within " + timeoutS + " s (simulator.timeout_s)");
            }
            if (f.marker().equals(DONE + "eof")) {
                throw new WorkerFailure("ngspice worker " + process.pid() + " exited: " + f.output().strip());
            }
            if (f.marker().equals(marker)) {
                out = f.output();
                break;
            }
        }
        Ngspice.checkOutput(out);
        return out;
    }

    /** Newton iterations and accepted timepoints of the transient, from a run submitted with {@code usage}. */
    record Usage(long iterations, long timepoints) {
    }

    private static final java.util.regex.Pattern ITERATIONS = java.util.regex.Pattern.compile("(?m)^Transient iterations = (\\d+)");
    private static final java.util.regex.Pattern TIMEPOINTS = java.util.regex.Pattern.compile("(?m)^Transient timepoints = (\\d+)");

    static Usage usage(String output) {
        java.util.regex.Matcher i = ITERATIONS.matcher(output);
        java.util.regex.Matcher t = TIMEPOINTS.matcher(output);
        if (!i.find() || !t.find()) {
            throw new MeasurementException("ngspice printed no transient statistics");
        }
        return new Usage(Long.parseLong(i.group(1)), Long.parseLong(t.group(1)));
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
            in.close();
        } catch (IOException e) {
            // already gone
        }
        process.destroyForcibly();
    }
}
