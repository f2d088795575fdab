package org.tileloop.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.train.TrainingConfig;

/**
 * What the runs catalog and {@code runs/index.jsonl} say about one training run, read from its
 * directory: the manifest (the source of truth; {@code interrupted} when it says {@code running}
 * and no process holds the run's lock) and {@code iterations.csv}. Losses in ns².
 *
 * @param dir the run directory
 * @param rig the rig id; empty when the run stopped before its rig was opened
 * @param method {@code <estimator>+<optimizer>} (e.g. {@code forward+gauss_newton}), or the
 *               optimizer alone when it needs no gradient (e.g. {@code cmaes})
 * @param iterations the last completed iteration (a run of {@code iterations: N} ends at N);
 *                   empty before iteration 0 completed
 * @param measurements measurements spent up to the last completed iteration
 */
public record RunSummary(String runId, Path dir, Optional<String> rig, String method, RunStatus status, Optional<String> reason,
                         OptionalInt iterations, long measurements, OptionalDouble trainStartNs2, OptionalDouble trainEndNs2,
                         OptionalDouble holdoutStartNs2, OptionalDouble holdoutEndNs2, Optional<String> calibrationId,
                         Optional<Instant> started, Optional<Instant> ended) {

    /** The manifest's name in a run directory. */
    public static final String MANIFEST = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The run in {@code dir}.
     *
     * @throws BadInputException naming the file when its manifest or {@code iterations.csv} is not tileloop's
     */
    public static RunSummary read(Path dir) {
        Path file = dir.resolve(MANIFEST);
        JsonNode m = StrictInput.jsonFile(file, "run manifest");
        if (!m.isObject() || !m.path("run_id").isTextual()) {
            throw new BadInputException(file + ": not a run manifest (a JSON object with run_id)");
        }
        String wire = m.path("status").asText();
        RunStatus status = RunStatus.fromWire(wire).orElseThrow(() -> new BadInputException(file + ": status: '"
                + StrictInput.printable(wire) + "' is not a run status"));
        if (status == RunStatus.RUNNING && RunDirectory.interrupted(dir)) {
            status = RunStatus.INTERRUPTED;
        }
        LossHistory h = LossHistory.read(dir);
        return new RunSummary(m.get("run_id").asText(), dir, text(m, "rig_id"), method(m.path("config")), status, text(m, "reason"),
                h.last().map(r -> OptionalInt.of(r.iteration())).orElse(OptionalInt.empty()),
                h.last().map(LossHistory.Row::measurements).orElse(m.path("measurements").asLong(0)),
                h.first().map(r -> OptionalDouble.of(r.trainNs2())).orElse(OptionalDouble.empty()),
                h.last().map(r -> OptionalDouble.of(r.trainNs2())).orElse(OptionalDouble.empty()),
                h.holdoutStartNs2(), h.holdoutEndNs2(), text(m, "calibration_id"), time(m, "start_time"), time(m, "end_time"));
    }

    /** How a config trains, as the catalog names it: {@code forward+gauss_newton}, {@code central+normalized}, {@code cmaes}. */
    public static String method(TrainingConfig.Estimator estimator, TrainingConfig.Optimizer optimizer) {
        return optimizer.derivativeFree() ? optimizer.wire() : estimator.name().toLowerCase(Locale.ROOT) + "+" + optimizer.wire();
    }

    private static String method(JsonNode config) {
        String estimator = config.path("estimator").asText("?");
        String optimizer = config.path("optimizer").asText("?");
        try {
            return method(TrainingConfig.Estimator.valueOf(estimator.toUpperCase(Locale.ROOT)),
                    TrainingConfig.Optimizer.valueOf(optimizer.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return StrictInput.printable(estimator) + "+" + StrictInput.printable(optimizer);
        }
    }

    private static Optional<String> text(JsonNode m, String key) {
        return m.path(key).isTextual() ? Optional.of(m.get(key).asText()) : Optional.empty();
    }

    private static Optional<Instant> time(JsonNode m, String key) {
        try {
            return text(m, key).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The summary as one JSON object: {@code run_id}, {@code dir} (the directory's name, relative to
     * its runs directory), {@code rig}, {@code method}, {@code status}, {@code reason},
     * {@code iterations}, {@code measurements}, {@code loss_train_start_ns2},
     * {@code loss_train_end_ns2}, {@code loss_holdout_start_ns2}, {@code loss_holdout_end_ns2},
     * {@code calibration_id}, {@code started}, {@code ended}; null where unknown.
     */
    public ObjectNode json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("run_id", runId);
        o.put("dir", dir.getFileName().toString());
        o.put("rig", rig.orElse(null));
        o.put("method", method);
        o.put("status", status.wire());
        o.put("reason", reason.orElse(null));
        o.put("iterations", iterations.isPresent() ? iterations.getAsInt() : null);
        o.put("measurements", measurements);
        number(o, "loss_train_start_ns2", trainStartNs2);
        number(o, "loss_train_end_ns2", trainEndNs2);
        number(o, "loss_holdout_start_ns2", holdoutStartNs2);
        number(o, "loss_holdout_end_ns2", holdoutEndNs2);
        o.put("calibration_id", calibrationId.orElse(null));
        o.put("started", started.map(Instant::toString).orElse(null));
        o.put("ended", ended.map(Instant::toString).orElse(null));
        return o;
    }

    private static void number(ObjectNode o, String key, OptionalDouble v) {
        if (v.isPresent()) {
            o.put(key, v.getAsDouble());
        } else {
            o.putNull(key);
        }
    }
}
