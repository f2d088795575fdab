package org.tileloop.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.train.LossTerms;

/**
 * What a run needs to continue after its last completed iteration: saved (fsynced, atomically
 * replaced) as {@code state.json} after every iteration, with a SHA-256 of its content and the
 * length and row count the CSV files had at that moment. A resume trusts the directory only when
 * all of that agrees ({@link #load}); bytes after the recorded lengths are a half-written
 * iteration and are cut off.
 *
 * @param nextIteration the iteration to run next ({@code iterations + 1} when finished)
 * @param unit the trainable parameters in unit coordinates at {@code nextIteration}
 * @param energyReferencePj the energy normaliser (0 until the first measurement fixes it)
 * @param trainTargetsNs per train trace and channel: the target (null: none), fixed at the start
 * @param train per completed iteration (one {@code iterations.csv} row each): the train loss terms
 * @param holdout per completed iteration: the holdout loss terms, null when not evaluated
 * @param iterationsRows, tracesRows lines (header included) in the first {@code iterationsBytes} /
 *                     {@code tracesBytes} of the CSV files
 * @param iterationsSha256, tracesSha256 SHA-256 (hex) of those bytes
 * @param optimizerState momentum / Adam moments after the last update (null: none)
 * @param bestLoss, sinceBest early-stopping bookkeeping
 * @param stopReason why the run ended before its last iteration (null: it did not)
 * @param finalRepeats the final point's repeated measurement, once the last row has made it (null: none)
 */
public record RunState(int nextIteration, double[] unit, long measurements, double energyReferencePj,
                       List<List<Double>> trainTargetsNs, List<List<Double>> holdoutTargetsNs,
                       List<LossTerms> train, List<LossTerms> holdout, long iterationsBytes, long tracesBytes,
                       long iterationsRows, long tracesRows, String iterationsSha256, String tracesSha256,
                       double[][] optimizerState, double bestLoss, int sinceBest, String stopReason,
                       org.tileloop.train.FinalRepeats finalRepeats) {

    public static final String FILE = "state.json";
    public static final String ITERATIONS = "iterations.csv";
    public static final String TRACES = "traces.csv";
    /** state.json grows by one set of loss terms per iteration; larger files are refused unread. */
    static final long MAX_STATE_BYTES = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /**
     * The saved state of run directory {@code dir}, empty when it has none, after checking its
     * checksum, its values and that both CSV files hold at least the recorded bytes with exactly
     * the recorded rows and no NUL bytes.
     *
     * @throws RigConfigurationException naming the file and what is wrong
     */
    public static Optional<RunState> load(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        for (String name : List.of(FILE, ITERATIONS, TRACES, "manifest.json")) {
            Path p = dir.resolve(name);
            if (Files.isSymbolicLink(p)) {
                throw corrupt(p, "is a symbolic link; a run's files live in its directory");
            }
            try {
                if (Files.exists(p) && ((Number) Files.getAttribute(p, "unix:nlink")).intValue() > 1) {
                    throw corrupt(p, "has another hard link; a run's files belong to it alone");
                }
            } catch (IOException | UnsupportedOperationException e) {
                // no link count on this file system
            }
        }
        RunState s;
        try {
            JsonNode node = StrictInput.jsonFile(f, "run state", MAX_STATE_BYTES);
            if (!node.isObject() || !node.path("sha256").isTextual()) {
                throw corrupt(f, "no checksum (sha256); not a state file written by tileloop");
            }
            String recorded = node.get("sha256").asText();
            ((ObjectNode) node).remove("sha256");
            if (!recorded.equals(RigFileLoader.sha256(JSON.writeValueAsBytes(node)))) {
                throw corrupt(f, "checksum mismatch: the file was changed or damaged after tileloop wrote it");
            }
            s = JSON.treeToValue(node, RunState.class);
            if (s == null) {
                throw corrupt(f, "empty");
            }
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage() + " (run state of " + dir + ")", e);
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(f, "unreadable: " + StrictInput.oneLine(e.getMessage()));
        }
        s.checkValues(f);
        checkCsv(dir.resolve(ITERATIONS), s.iterationsBytes, s.iterationsRows, s.iterationsSha256);
        checkCsv(dir.resolve(TRACES), s.tracesBytes, s.tracesRows, s.tracesSha256);
        return Optional.of(s);
    }

    private void checkValues(Path f) {
        if (unit == null || train == null || holdout == null || trainTargetsNs == null || holdoutTargetsNs == null) {
            throw corrupt(f, "required fields are missing");
        }
        if (nextIteration < 0 || measurements < 0 || iterationsBytes <= 0 || tracesBytes <= 0 || iterationsRows < 1 || tracesRows < 1) {
            throw corrupt(f, "negative or zero counts (next_iteration " + nextIteration + ", measurements " + measurements + ")");
        }
        for (double u : unit) {
            if (!(u >= 0 && u <= 1)) {
                throw corrupt(f, "unit coordinate " + u + " is outside [0, 1]");
            }
        }
        if (train.size() > nextIteration || holdout.size() != train.size() || iterationsRows != 1 + train.size()) {
            throw corrupt(f, train.size() + " completed iterations recorded, but next_iteration is " + nextIteration + ", "
                    + holdout.size() + " holdout entries and " + (iterationsRows - 1) + " iterations.csv rows");
        }
        if (stopReason == null && nextIteration != train.size()) {
            throw corrupt(f, "next_iteration is " + nextIteration + " but " + train.size() + " iterations were completed");
        }
        if (!Double.isFinite(energyReferencePj) || energyReferencePj < 0) {
            throw corrupt(f, "energy_reference_pj " + energyReferencePj + " is not a finite non-negative number");
        }
        for (List<LossTerms> split : List.of(train, holdout)) {
            for (LossTerms t : split) {
                if (t != null && java.util.Arrays.stream(t.values()).anyMatch(v -> !(v >= 0 && Double.isFinite(v)))) {
                    throw corrupt(f, "loss terms " + java.util.Arrays.toString(t.values()) + " are not finite non-negative numbers");
                }
            }
        }
        if (train.contains(null)) {
            throw corrupt(f, "a train loss entry is missing");
        }
        if (!(bestLoss >= 0) || sinceBest < 0) {
            throw corrupt(f, "best_loss " + bestLoss + " / since_best " + sinceBest + " out of range");
        }
        if (optimizerState != null) {
            for (double[] row : optimizerState) {
                if (row == null || row.length != unit.length || java.util.Arrays.stream(row).anyMatch(v -> !Double.isFinite(v))) {
                    throw corrupt(f, "optimizer_state does not hold " + unit.length + " finite numbers per row");
                }
            }
        }
        for (List<List<Double>> targets : List.of(trainTargetsNs, holdoutTargetsNs)) {
            for (List<Double> row : targets) {
                if (row == null || row.stream().anyMatch(v -> v != null && !Double.isFinite(v))) {
                    throw corrupt(f, "targets are not finite numbers");
                }
            }
        }
        if (finalRepeats != null && (finalRepeats.repeats() < 2 || finalRepeats.trainLossNs2() == null || finalRepeats.holdoutLossNs2() == null
                || finalRepeats.firstSpikes() == null || !Double.isFinite(finalRepeats.trainLossNs2().mean()))) {
            throw corrupt(f, "final_repeats is incomplete");
        }
        if (iterationsSha256 == null || tracesSha256 == null) {
            throw corrupt(f, "CSV checksums are missing");
        }
    }

    private static void checkCsv(Path csv, long bytes, long rows, String sha256) {
        long size;
        try {
            size = Files.size(csv);
        } catch (IOException e) {
            throw new RigConfigurationException(csv + ": missing or unreadable (the run state records " + rows + " rows)");
        }
        if (size < bytes) {
            throw new RigConfigurationException(csv + ": truncated: " + size + " bytes, but the run state records " + bytes
                    + " bytes in " + rows + " rows");
        }
        long counted;
        java.security.MessageDigest digest = AppendLog.sha256();
        try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(csv), digest)) {
            counted = countRows(in, bytes, csv);
        } catch (IOException e) {
            throw new RigConfigurationException(csv + ": unreadable: " + StrictInput.oneLine(e.getMessage()));
        }
        if (counted != rows) {
            throw new RigConfigurationException(csv + ": " + counted + " rows in the first " + bytes + " bytes, but the run state records "
                    + rows + "; the file was changed after tileloop wrote it");
        }
        if (!java.util.HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
            throw new RigConfigurationException(csv + ": its recorded rows were changed after tileloop wrote them (SHA-256 differs"
                    + " from the run state); this run cannot be resumed safely");
        }
    }

    /** Lines in the first {@code length} bytes of {@code in}, which must end with a line end and hold no NUL byte. */
    private static long countRows(InputStream in, long length, Path file) throws IOException {
        byte[] buf = new byte[1 << 16];
        long rows = 0;
        long left = length;
        int last = -1;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    rows++;
                } else if (buf[i] == 0) {
                    throw new RigConfigurationException(file + ": NUL byte at offset " + (length - left + i) + " (damaged file)");
                }
            }
            last = buf[n - 1];
            left -= n;
        }
        if (last != '\n') {
            throw new RigConfigurationException(file + ": the recorded part does not end with a complete row");
        }
        return rows;
    }

    private static RigConfigurationException corrupt(Path f, String what) {
        return new RigConfigurationException(f + ": " + what + "; this run cannot be resumed safely (start a new run)");
    }

    /** What the trainer continues from. */
    public org.tileloop.train.Checkpoint checkpoint() {
        return new org.tileloop.train.Checkpoint(nextIteration, unit, measurements, energyReferencePj, optimizerState, bestLoss,
                sinceBest, Optional.ofNullable(stopReason));
    }

    public void save(Path dir) throws IOException {
        ObjectNode node = JSON.valueToTree(this);
        node.put("sha256", RigFileLoader.sha256(JSON.writeValueAsBytes(node)));
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
