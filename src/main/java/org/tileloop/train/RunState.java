package org.tileloop.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * What a run needs to continue after its last completed iteration: saved (fsynced, atomically
 * replaced) as {@code state.json} after every iteration, together with the lengths the CSV files
 * had at that moment so rows of a half-finished iteration can be cut off on resume.
 *
 * @param nextIteration the iteration to run next ({@code iterations + 1} when finished)
 * @param unit the trainable parameters in unit coordinates at {@code nextIteration}
 * @param energyReferencePj the energy normaliser (0 until the first measurement fixes it)
 * @param trainTargetsNs per train trace and channel: the target (null: none), fixed at the start
 * @param train per completed iteration: the train loss terms
 * @param holdout per completed iteration: the holdout loss terms, null when not evaluated
 * @param optimizerState momentum / Adam moments after the last update (null: none)
 * @param bestLoss, sinceBest early-stopping bookkeeping
 * @param stopReason why the run ended before its last iteration (null: it did not)
 */
public record RunState(int nextIteration, double[] unit, long measurements, double energyReferencePj,
                       List<List<Double>> trainTargetsNs, List<List<Double>> holdoutTargetsNs,
                       List<LossTerms> train, List<LossTerms> holdout, long iterationsBytes, long tracesBytes,
                       double[][] optimizerState, double bestLoss, int sinceBest, String stopReason) {

    public static final String FILE = "state.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static Optional<RunState> load(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(f.toFile(), RunState.class));
    }

    public void save(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
