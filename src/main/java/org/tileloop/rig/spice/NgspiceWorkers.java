package org.tileloop.rig.spice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.RigUnavailableException;

/**
 * The ngspice workers of one rig: each pool thread owns one worker and one private scratch
 * directory under a temporary working directory (in {@code /dev/shm} when writable); workers are
 * recycled after {@link #RECYCLE_RUNS} runs or when their memory grows.
 */
final class NgspiceWorkers {

    /** Runs per worker before it is replaced (ngspice grows slowly even with {@code destroy all}). */
    static final int RECYCLE_RUNS = 1000;

    private final String rigId;
    private final Ngspice ngspice;
    private final Path workDir;
    private final ThreadLocal<Path> scratch = new ThreadLocal<>();
    private final ThreadLocal<NgspiceWorker> own = new ThreadLocal<>();
    private final List<NgspiceWorker> workers = Collections.synchronizedList(new ArrayList<>());
    private final Map<Long, Long> baseline = new ConcurrentHashMap<>();
    private volatile boolean closed;

    NgspiceWorkers(String rigId, Ngspice ngspice) {
        this.rigId = rigId;
        this.ngspice = ngspice;
        try {
            Path shm = Path.of("/dev/shm");
            this.workDir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "tileloop-spice-") : Files.createTempDirectory("tileloop-spice-");
        } catch (IOException e) {
            throw new RigUnavailableException("cannot create a working directory for ngspice: " + e.getMessage(), e);
        }
    }

    /** The calling pool thread's private scratch directory, where its worker runs and its netlists are written. */
    Path scratchDir() {
        Path dir = scratch.get();
        if (dir == null) {
            try {
                dir = Files.createTempDirectory(workDir, "worker-");
            } catch (IOException e) {
                throw new RigUnavailableException("cannot create a working directory for ngspice: " + e.getMessage(), e);
            }
            scratch.set(dir);
        }
        return dir;
    }

    /** The calling pool thread's worker, started on first use. */
    NgspiceWorker worker() {
        NgspiceWorker w = own.get();
        if (w == null) {
            if (closed) {
                throw new MeasurementException("rig " + rigId + " is closed");
            }
            w = new NgspiceWorker(ngspice, scratchDir());
            workers.add(w);
            own.set(w);
        }
        return w;
    }

    /** Due for replacement: {@link #RECYCLE_RUNS} runs done, or its memory grew by a quarter since run 50. */
    boolean worn(NgspiceWorker w) {
        if (w.runs() >= RECYCLE_RUNS) {
            return true;
        }
        Long base = baseline.get(w.pid());
        return base != null && w.runs() % 10 == 0 && w.rssKb() > 1.25 * base;
    }

    /** Called after each finished run: records the memory baseline at run 50. */
    void release(NgspiceWorker w) {
        if (w.runs() == 50) {
            baseline.put(w.pid(), w.rssKb());
        }
    }

    void discard(NgspiceWorker w) {
        w.close();
        workers.remove(w);
        baseline.remove(w.pid());
        if (own.get() == w) {
            own.remove();
        }
    }

    /** Resident memory of the workers, kB. */
    long rssKb() {
        synchronized (workers) {
            return workers.stream().mapToLong(NgspiceWorker::rssKb).sum();
        }
    }

    /** No worker starts after this. */
    void refuseNew() {
        closed = true;
    }

    /** Stops every worker and deletes the working directory. */
    void close() {
        closed = true;
        synchronized (workers) {
            workers.forEach(NgspiceWorker::close);
            workers.clear();
        }
        deleteTree(workDir);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // temporary files only; nothing to recover
        }
    }
}
