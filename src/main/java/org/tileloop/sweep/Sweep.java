package org.tileloop.sweep;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.tileloop.input.BadInputException;
import org.tileloop.input.ShownPath;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;

/**
 * Measures every point of a sweep on a rig (locally or on the fleet), a batch of points at a
 * time, appending each batch to {@code points.csv} before the next starts; a sweep directory that
 * already holds points of the same spec continues after them, so a finished point is never
 * measured again. When the last point is in, writes a heatmap per pair of swept parameters.
 */
public final class Sweep {

    /** Points measured per batch (each point at every delay). */
    static final int BATCH_POINTS = 32;

    /**
     * @param points       the sweep's points
     * @param finishedBefore points already in {@code points.csv} when this run started
     * @param measured     points this run measured
     * @param measurements probes this run measured (points × delays)
     * @param completed    whether every point is in (false: stopped on request)
     */
    public record Outcome(int points, int finishedBefore, int measured, long measurements, boolean completed, List<Path> heatmaps) {
    }

    private Sweep() {
    }

    /**
     * Records {@code spec} in {@code dir/sweep.json}, or checks it is the spec already recorded there.
     *
     * @throws BadInputException when {@code dir} holds another sweep
     */
    public static void prepare(Path dir, SweepSpec spec) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("sweep.json");
        if (Files.exists(f)) {
            SweepSpec recorded = recorded(dir);
            if (!recorded.equals(spec)) {
                throw new BadInputException(ShownPath.of(dir) + " holds another sweep (" + recorded.describe() + "); choose another --out");
            }
            return;
        }
        Path tmp = dir.resolve("sweep.json.tmp");
        Files.writeString(tmp, spec.toJson().toPrettyString() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The spec recorded in {@code dir/sweep.json}. */
    public static SweepSpec recorded(Path dir) {
        Path f = dir.resolve("sweep.json");
        if (!Files.isRegularFile(f)) {
            throw new BadInputException(ShownPath.of(dir) + ": no sweep.json (not a sweep directory)");
        }
        return SweepSpec.fromJson(StrictInput.jsonFile(f, "sweep spec"), ShownPath.of(f).toString());
    }

    /**
     * Measures the points of {@code spec} not yet in {@code dir/points.csv}, stopping between batches
     * when {@code stop} says so; {@code progress} hears the number of points done after each batch.
     */
    public static Outcome run(Rig rig, SweepSpec spec, Path dir, String channel, BooleanSupplier stop, IntConsumer progress) throws IOException {
        prepare(dir, spec);
        try (FileChannel lockFile = FileChannel.open(dir.resolve("sweep.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new BadInputException(ShownPath.of(dir) + ": another tileloop sweep is measuring here; wait for it or stop it first");
            }
            return measure(rig, spec, dir, channel, stop, progress);
        }
    }

    private static Outcome measure(Rig rig, SweepSpec spec, Path dir, String channel, BooleanSupplier stop, IntConsumer progress)
            throws IOException {
        List<ParameterVector> points = spec.points(rig.description());
        int done;
        int before;
        long measurements = 0;
        try (SweepLog log = SweepLog.open(dir.resolve("points.csv"), spec, points, rig.description().channels().size())) {
            before = log.finished();
            done = before;
            progress.accept(done);
            while (done < points.size() && !stop.getAsBoolean()) {
                int end = Math.min(points.size(), done + BATCH_POINTS);
                List<Probe> batch = new ArrayList<>();
                for (int p = done; p < end; p++) {
                    for (double d : spec.delaysNs()) {
                        batch.add(new Probe(points.get(p), new Stimulus(Map.of(spec.input(), d))));
                    }
                }
                List<StimulusResult> results = rig.measure(batch);
                measurements += batch.size();
                StringBuilder rows = new StringBuilder();
                int n = spec.delaysNs().size();
                for (int p = done; p < end; p++) {
                    rows.append(SweepLog.rows(spec, p, points.get(p), results.subList((p - done) * n, (p - done + 1) * n)));
                }
                log.append(rows.toString());
                done = end;
                progress.accept(done);
            }
        }
        boolean completed = done == points.size();
        List<Path> maps = completed ? SweepHeatmaps.write(dir, spec, rig.description(), channel) : List.of();
        return new Outcome(points.size(), before, done - before, measurements, completed, maps);
    }
}
