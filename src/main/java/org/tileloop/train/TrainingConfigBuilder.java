package org.tileloop.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.tileloop.input.BadInputException;
import org.tileloop.input.SchemaCheck;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * The editable form of a training config, as written in YAML (snake_case keys; README
 * "Training"): read and checked here, turned into the immutable {@link TrainingConfig} by
 * {@link #build}. Unknown keys and values out of range are errors naming the file and key.
 */
public final class TrainingConfigBuilder {
    public List<String> trainable = List.of();
    public Map<String, Double> initial = new LinkedHashMap<>();
    public List<Double> trainDelaysNs = List.of(4.5, 5.5, 7.5);
    public List<Double> holdoutDelaysNs = List.of(6.5, 9.0, 10.5);
    /**
     * A multi-pattern task: when present, these are the traces (the delay keys are not used).
     * Each pattern fires {@code inputs_ns}, may set untrainable parameters ({@code set}, e.g. an
     * input amplitude) and has one target per channel ({@code targets_ns}, null = none).
     */
    public List<Pattern> patterns = List.of();

    public static final class Pattern {
        public String name;
        public String split = "train";
        public Map<String, Double> inputsNs = new LinkedHashMap<>();
        public Map<String, Double> set = new LinkedHashMap<>();
        public List<Double> targetsNs = List.of();
        /** Classification: the channel that should fire first for this pattern. */
        @JsonProperty("class")
        public String classLabel;
    }

    /** Classification loss on labelled patterns: softmax (cross-entropy over −t/T) or hinge. */
    public String classLoss = "softmax";
    public double classWeight = 1;
    public double temperatureNs = 0.5;
    public double classMarginNs = 0.2;

    /** Inputs fired at the same delay in every trace (input name to ns), besides the rig's first input. */
    public Map<String, Double> fixedInputsNs = new LinkedHashMap<>();
    public String targetMode = "absolute";
    /** Absolute targets: delay (as written, e.g. "4.5") to per-channel first-spike times (ns). */
    public Map<String, List<Double>> targetsNs = new LinkedHashMap<>();
    /** Absolute targets from a CSV file (relative to the config file): header {@code delay_ns,<channel>...}. */
    public String targetsCsv;
    /** Channel names the {@code targets_ns} lists follow; empty means the rig's channel order. */
    public List<String> targetChannels = List.of();
    public Map<String, Double> anchor = new LinkedHashMap<>();
    public List<Double> anchorShiftNs = List.of();
    public String anchorProbeSplit = "train";
    public List<Integer> expectedCounts = List.of();
    public List<List<String>> orderPairs = List.of();
    public double orderMarginNs = 0;
    public double timingWeight = 1;
    public double missingWeight = 1;
    @JsonProperty("missing_penalty_ns2")
    public double missingPenaltyNs2 = 25;
    /** penalty ({@code missing_penalty_ns2} per missing spike) or censored (Tobit: "not before the window end"). */
    public String missing = "penalty";
    /** Timing noise σ of the censored likelihood, ps. */
    public double timingSigmaPs = 10;
    public double countWeight = 1;
    public double orderWeight = 1;
    public double energyWeightStart = 0;
    public double energyWeightEnd = 0;
    public double energyReferencePj = 0;
    /** central, forward (finite differences) or spsa. */
    public String estimator = "central";
    public double spsaC = 0.1;
    public double spsaGamma = 0.101;
    public int spsaResamplings = 1;
    /** Each point measured this many times; losses averaged (noisy rigs). */
    public int repeats = 1;
    /** How a first-spike measurement ends: {@code predicted} (see {@link PredictedStop}) or {@code autostop} only. */
    public String stopRule = "predicted";
    public double stopMarginNs = 2;
    /** normalized, sgd, momentum, adam or gauss_newton (needs central or forward differences). */
    public String optimizer = "normalized";
    /** Initial step / trust radius / sigma of the derivative-free optimizers, unit coordinates. */
    public double dfoStep = 0.1;
    /**
     * A simulated rig file (relative to this config) that twins the trained rig: twin_gauss_newton
     * takes its Jacobian from it, and every run with a twin logs the twin's first spikes beside
     * the rig's.
     */
    public String twin;
    /** twin_gauss_newton: every this many iterations the Jacobian is measured on the rig instead (0: only on disagreement). */
    public int twinRefresh = 5;
    /**
     * twin_gauss_newton: a rig Jacobian is measured next when the measured change of the timing
     * loss differs from the predicted change by more than this fraction of the prediction.
     */
    public double twinDisagreement = 0.5;
    /** bayes: points measured per round after round 0 (1 to 20). */
    public int bayesBatch = 3;
    /** bayes: points of round 0, the start point included (1 to 100); unset: 2d + 1, or 1 with a warm start. */
    public Integer bayesInitial;
    /** bayes: a run directory (relative to the config file) whose evaluations the surrogate starts with. */
    public String warmStart;
    /** The evaluations of {@link #warmStart}, read by {@link #load} (not a key). */
    WarmStart warmStartData;
    /** Levenberg–Marquardt damping for gauss_newton. */
    public double gnLambda = 0.01;
    /** inverse, exponential, step or spall (step_size / (k + 1 + spall_a)^spall_alpha). */
    public String lrSchedule = "inverse";
    public int stepEvery = 10;
    public double spallA = 2;
    public double spallAlpha = 0.602;
    public double clipValue = 0;
    public double clipNorm = 0;
    public double beta1 = 0.9;
    public double beta2 = 0.999;
    public double epsilon = 1e-8;
    /** Early stopping: stop after this many iterations without an improvement of min_improvement (0: off). */
    public int patience = 0;
    public double minImprovement = 0;
    public String earlyStopSplit = "train";
    public double fdStep = 0.05;
    public double stepSize = 0.08;
    public double stepDecay = 0.1;
    public double maxStep = 0.08;
    /** Every this many iterations, measure one reference delay per channel (0: never). */
    public int driftCheckEvery = 0;
    public double driftReferenceDelayNs = 10;
    public double driftThresholdPs = 25;
    /** {@code pause} stops the run (resumable); {@code recalibrate} runs the rig's calibration and goes on. */
    public String driftAction = "pause";
    public int iterations = 6;
    /** Measure the final point this many more times at the end of the run (0: off). */
    public int finalRepeats = 0;
    public long seed = 1;
    public int evalEvery = 1;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final SchemaCheck SCHEMA = SchemaCheck.of("training");

    /** Reads and schema-checks a training config file (at most 1 MiB, YAML). */
    public static TrainingConfigBuilder load(Path file) {
        TrainingConfigBuilder c;
        try {
            JsonNode root = StrictInput.yamlFile(file, "training config");
            if (!root.isObject()) {
                throw new BadInputException(file + ": a training config is a YAML mapping of keys (see README, Training)");
            }
            c = bind(root, file.toString());
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        }
        if (c.targetsCsv != null) {
            if (!c.targetsNs.isEmpty() || !c.targetChannels.isEmpty()) {
                throw new RigConfigurationException(file + ": targets_csv: give targets either inline (targets_ns) or from a CSV, not both");
            }
            try {
                c.readTargetsCsv(file.toAbsolutePath().getParent().resolve(c.targetsCsv));
            } catch (RigConfigurationException e) {
                throw new RigConfigurationException(file + ": targets_csv: " + e.getMessage(), e);
            }
        }
        c.check(file.toString());
        if (c.warmStart != null) {
            Path base = file.getParent() != null ? file.getParent() : Path.of("");
            c.warmStartData = WarmStart.read(c.warmStart, base.resolve(c.warmStart), file.toString());
        }
        return c;
    }

    /** A config recorded by {@link #asMap()} (e.g. in a run manifest), checked again. */
    public static TrainingConfigBuilder fromMap(Map<String, Object> recorded, String source) {
        TrainingConfigBuilder c;
        try {
            JsonNode tree = YAML.valueToTree(recorded);
            dropNullFields(tree);
            if (tree.isObject() && !tree.has("stop_rule")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("stop_rule", "autostop");
            }
            c = bind(tree, source);
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new RigConfigurationException(source + ": recorded training config is unreadable: " + StrictInput.oneLine(e.getMessage()), e);
        }
        c.check(source);
        return c;
    }

    private static TrainingConfigBuilder bind(JsonNode root, String source) {
        SCHEMA.validate(root, source, "training config");
        try {
            return YAML.treeToValue(root, TrainingConfigBuilder.class);
        } catch (JsonMappingException e) {
            String key = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw new BadInputException(source + ": " + (key.isEmpty() ? "" : key + ": ") + "value of the wrong type");
        } catch (IOException e) {
            throw new BadInputException(source + ": cannot read training config: " + StrictInput.oneLine(e.getMessage()));
        }
    }

    private void readTargetsCsv(Path csv) {
        CsvMapper mapper = new CsvMapper();
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = mapper.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                .with(CsvParser.Feature.TRIM_SPACES).with(CsvParser.Feature.SKIP_EMPTY_LINES)
                .readValues(StrictInput.readText(csv, "targets CSV"))) {
            it.forEachRemaining(rows::add);
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new RigConfigurationException(csv + ": cannot read: " + StrictInput.oneLine(e.getMessage()), e);
        }
        for (String[] row : rows) {
            for (String cell : row) {
                StrictInput.requirePrintable(csv.toString(), "cell", cell, "value");
            }
        }
        if (rows.isEmpty() || rows.get(0).length < 2 || !rows.get(0)[0].equals("delay_ns")) {
            throw new RigConfigurationException(csv + ": header must be delay_ns followed by channel names, e.g. delay_ns,n0,n1,n2,n3");
        }
        String[] header = rows.get(0);
        targetChannels = List.of(header).subList(1, header.length);
        if (new java.util.HashSet<>(targetChannels).size() != targetChannels.size()) {
            throw new RigConfigurationException(csv + ": header: a channel appears twice in " + targetChannels);
        }
        targetsNs = new LinkedHashMap<>();
        for (int r = 1; r < rows.size(); r++) {
            String[] row = rows.get(r);
            if (row.length != header.length) {
                throw new RigConfigurationException(csv + ": line " + (r + 1) + ": " + row.length + " fields, header has " + header.length);
            }
            double delay = number(csv, r, header[0], row[0]);
            List<Double> targets = new ArrayList<>();
            for (int c = 1; c < row.length; c++) {
                targets.add(row[c].isEmpty() ? null : number(csv, r, header[c], row[c]));
            }
            if (targetsNs.put(key(delay), targets) != null) {
                throw new RigConfigurationException(csv + ": line " + (r + 1) + ": delay " + key(delay) + " appears twice");
            }
        }
    }

    private static double number(Path csv, int r, String column, String text) {
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v) && text.matches("[-+]?[0-9.eE+-]+")) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RigConfigurationException(csv + ": line " + (r + 1) + ": " + column + ": '" + text + "' is not a number (ns)");
    }

    /**
     * Checks this config as it stands (after CLI overrides): the schema's types, ranges and enums,
     * then what a schema cannot say.
     */
    public void check(String file) {
        try {
            JsonNode tree = YAML.valueToTree(asMap());
            dropNullFields(tree);
            SCHEMA.validate(tree, file, "training config");
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        }
        if (warmStart != null) {
            if (!optimizer.equals("bayes")) {
                throw new RigConfigurationException(file + ": warm_start: only optimizer bayes starts from an earlier run's evaluations"
                        + " (this config uses " + optimizer + ")");
            }
        }
        if (optimizer.equals("gauss_newton") && estimator.equals("spsa")) {
            throw new RigConfigurationException(file + ": optimizer: gauss_newton needs estimator central or forward (a Jacobian), not spsa");
        }
        boolean timingTargets = targetMode.equals("measured_anchor_shift") || !targetsNs.isEmpty() || targetsCsv != null
                || patterns.stream().anyMatch(p -> !p.targetsNs.isEmpty());
        if (optimizer.endsWith("gauss_newton") && !timingTargets) {
            throw new RigConfigurationException(file + ": optimizer: " + optimizer + " steps on timing residuals (first spike − target),"
                    + " and this config has no timing targets (a classification task?); use normalized, adam or a derivative-free optimizer");
        }
        if (optimizer.equals("twin_gauss_newton") && twin == null) {
            throw new RigConfigurationException(file + ": twin: optimizer twin_gauss_newton needs a twin, a simulated rig file"
                    + " (relative to the training config), e.g. twin: ../sim-tile4.yaml");
        }
        if (finalRepeats == 1) {
            throw new RigConfigurationException(file + ": final_repeats: 1 measures no spread; use 0 (off) or 2 to 1000");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < patterns.size(); i++) {
            Pattern p = patterns.get(i);
            String key = "patterns[" + i + "]";
            if (p.name == null || !p.name.matches("[A-Za-z0-9_-]{1,32}") || !names.add(p.name)) {
                throw new RigConfigurationException(file + ": " + key + ".name: a unique name of 1-32 letters, digits, _ or -");
            }
            if (!List.of("train", "holdout").contains(p.split)) {
                throw new RigConfigurationException(file + ": " + key + ".split: '" + p.split + "' is not one of train, holdout");
            }
            if (p.inputsNs.isEmpty()) {
                throw new RigConfigurationException(file + ": " + key + ".inputs_ns: at least one input fires");
            }
        }
        if (!patterns.isEmpty() && patterns.stream().noneMatch(p -> p.split.equals("train"))) {
            throw new RigConfigurationException(file + ": patterns: at least one train pattern is needed");
        }
        if (!patterns.isEmpty() && (!targetsNs.isEmpty() || targetsCsv != null)) {
            throw new RigConfigurationException(file + ": patterns carry their own targets_ns; remove the top-level targets");
        }
        if (trainDelaysNs.isEmpty()) {
            throw new RigConfigurationException(file + ": train_delays_ns: at least one trace is needed");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < trainable.size(); i++) {
            if (!seen.add(trainable.get(i))) {
                throw new RigConfigurationException(file + ": trainable[" + i + "]: '" + trainable.get(i) + "' is listed twice");
            }
        }
        java.util.Map<String, String> normalized = new java.util.HashMap<>();
        for (String k : targetsNs.keySet()) {
            String other = normalized.put(key(Double.parseDouble(k)), k);
            if (other != null) {
                throw new RigConfigurationException(file + ": targets_ns: '" + other + "' and '" + k + "' name the same delay");
            }
        }
        if (targetMode.equals("measured_anchor_shift") && (!targetsNs.isEmpty() || targetsCsv != null)) {
            throw new RigConfigurationException(file + ": targets_ns: target_mode measured_anchor_shift takes its targets from the"
                    + " anchor measurement; remove targets_ns / targets_csv or use target_mode absolute");
        }
        boolean classes = patterns.stream().anyMatch(p -> p.classLabel != null);
        if (timingWeight == 0 && missingWeight == 0 && countWeight == 0 && orderWeight == 0 && energyWeightStart == 0
                && energyWeightEnd == 0 && (classWeight == 0 || !classes)) {
            throw new RigConfigurationException(file + ": timing_weight: every loss weight is 0, so there is nothing to train towards");
        }
        if (patterns.isEmpty() && targetMode.equals("absolute")) {
            java.util.Set<String> delays = new java.util.LinkedHashSet<>();
            trainDelaysNs.forEach(d -> delays.add(key(d)));
            holdoutDelaysNs.forEach(d -> delays.add(key(d)));
            for (String k : targetsNs.keySet()) {
                if (!delays.contains(key(Double.parseDouble(k)))) {
                    throw new RigConfigurationException(file + ": targets_ns: '" + k + "' is not one of the train or holdout delays "
                            + delays + " (ns)");
                }
            }
        }
    }

    /** Unset optional keys ({@code targets_csv}, a pattern's {@code class}) serialize as null; the schema wants them absent. */
    private static void dropNullFields(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            List<String> nulls = new ArrayList<>();
            o.fields().forEachRemaining(e -> {
                if (e.getValue().isNull()) {
                    nulls.add(e.getKey());
                }
            });
            o.remove(nulls);
        }
        node.elements().forEachRemaining(TrainingConfigBuilder::dropNullFields);
    }

    public Map<String, Object> asMap() {
        return YAML.convertValue(this, Map.class);
    }

    /** The immutable config, after {@link #check}ing this one ({@code source} names it in errors). */
    public TrainingConfig build(String source) {
        check(source);
        return TrainingConfig.of(this);
    }

    static String key(double delayNs) {
        return TrainingConfig.key(delayNs);
    }
}
