package org.tileloop.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
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
 * @param optimizerState momentum / Adam moments after the last update (null: none)
 * @param bestLoss, sinceBest early-stopping bookkeeping
 * @param stopReason why the run ended before its last iteration (null: it did not)
 */
public record RunState(int nextIteration, double[] unit, long measurements, double energyReferencePj,
                       List<List<Double>> trainTargetsNs, List<List<Double>> holdoutTargetsNs,
                       List<LossTerms> train, List<LossTerms> holdout, long iterationsBytes, long tracesBytes,
                       long iterationsRows, long tracesRows,
                       double[][] optimizerState, double bestLoss, int sinceBest, String stopReason) {

    public static final String FILE = "state.json";
    public static final String ITERATIONS = "iterations.csv";
    public static final String TRACES = "traces.csv";
    /** state.json grows by one set of loss terms per iteration; larger files are refused unread. */
    static final long MAX_STATE_BYTES = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The saved state of run directory {@code dir}, empty when it has none, after checking its
     * checksum, its values and that both CSV files hold at least the recorded bytes with exactly
     * the recorded rows and no NUL bytes.
     *
     * @throws RigConfigurationException naming the file and what is wrong
     */
    public static Optional<RunState> load(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        RunState s;
        try {
            JsonNode node = StrictInput.jsonFile(f, "run state", MAX_STATE_BYTES);
            if (!node.isObject() || !node.path("sha256").isTextual()) {
                throw corrupt(f, "no checksum (sha256); not a state file written by tileloop");
            }
            String recorded = node.get("sha256").asText();
            ((ObjectNode) node).remove("sha256");
            s = JSON.treeToValue(node, RunState.class);
            if (s == null || !recorded.equals(s.checksum())) {
                throw corrupt(f, "checksum mismatch: the file was changed or damaged after tileloop wrote it");
            }
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage() + " (run state of " + dir + ")", e);
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(f, "unreadable: " + StrictInput.oneLine(e.getMessage()));
        }
        s.checkValues(f);
        checkCsv(dir.resolve(ITERATIONS), s.iterationsBytes, s.iterationsRows);
        checkCsv(dir.resolve(TRACES), s.tracesBytes, s.tracesRows);
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
    }

    private static void checkCsv(Path csv, long bytes, long rows) {
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
        try (InputStream in = Files.newInputStream(csv)) {
            counted = countRows(in, bytes, csv);
        } catch (IOException e) {
            throw new RigConfigurationException(csv + ": unreadable: " + StrictInput.oneLine(e.getMessage()));
        }
        if (counted != rows) {
            throw new RigConfigurationException(csv + ": " + counted + " rows in the first " + bytes + " bytes, but the run state records "
                    + rows + "; the file was changed after tileloop wrote it");
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

    /** {@code rowsBefore} plus the line ends in bytes [{@code from}, {@code to}) of the open {@code file}. */
    public static long rowsAfter(SeekableByteChannel file, long from, long to, long rowsBefore) throws IOException {
        long rows = rowsBefore;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long at = from;
        long keep = file.position();
        try {
            while (at < to) {
                buf.clear().limit((int) Math.min(buf.capacity(), to - at));
                file.position(at);
                int n = file.read(buf);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) == '\n') {
                        rows++;
                    }
                }
                at += n;
            }
        } finally {
            file.position(keep);
        }
        return rows;
    }

    private static RigConfigurationException corrupt(Path f, String what) {
        return new RigConfigurationException(f + ": " + what + "; this run cannot be resumed safely (start a new run)");
    }

    private String checksum() {
        try {
            return RigFileLoader.sha256(JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void save(Path dir) throws IOException {
        ObjectNode node = JSON.valueToTree(this);
        node.put("sha256", checksum());
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
