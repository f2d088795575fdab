package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tileloop.cli.InitConfigCommand.ConfigKind;
import org.tileloop.daemon.DaemonConfig;
import org.tileloop.input.SchemaCheck;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.train.TrainingConfig;
import org.tileloop.train.TrainingConfigBuilder;
import org.tileloop.train.TrainingTask;

/**
 * The config templates: each loads with the real loader as printed, and each lists every key its
 * schema allows (so a template cannot fall behind its schema).
 */
class InitConfigCommandTest {

    /** A commented-out setting: {@code #} at the line start, then the YAML line with its indentation (pairs of spaces). */
    static final Pattern SETTING = Pattern.compile("#((?:  )*[^ #].*)");
    /** A prose comment: {@code # text} (exactly one space after the hash), or a lone {@code #}. */
    static final Pattern PROSE = Pattern.compile(" *#( \\S.*)?");

    @TempDir
    Path dir;

    static String printed(ConfigKind kind) {
        CliTest.Run r = CliTest.run("init-config", kind.key());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        return r.out();
    }

    @Test
    void theTrainingTemplateTrainsTheSimulatedTile() throws Exception {
        Path file = dir.resolve("training.yaml");
        Files.writeString(file, printed(ConfigKind.TRAINING));
        TrainingConfig config = TrainingConfig.load(file);
        TrainingTask task = TrainingTask.of(config, RigFileLoader.load(Path.of("rigs/sim-tile4.yaml")).description());
        assertEquals(List.of("r_fb", "rleak", "iin_amp"), task.trainable().stream().map(p -> p.name()).toList());
        assertEquals(3, task.train().size());
        assertEquals(3, task.holdout().size());
        assertEquals(5.71, task.train().get(0).targetsNs().get(0).getAsDouble(), 1e-12);
        assertEquals(12.27, task.holdout().get(2).targetsNs().get(3).getAsDouble(), 1e-12);
        assertEquals(TrainingConfig.Optimizer.GAUSS_NEWTON, config.optimization().optimizer());
        assertEquals(6, config.schedule().iterations());
    }

    @Test
    void theRigTemplateIsAWorkingSimulatedRig() throws Exception {
        Path rigs = Files.createDirectories(dir.resolve("rigs"));
        Files.createDirectories(dir.resolve("simulated-rig"));
        Files.copy(Path.of("simulated-rig/neuro_tile4_coupled.cir"), dir.resolve("simulated-rig/neuro_tile4_coupled.cir"));
        Path file = rigs.resolve("my-tile.yaml");
        Files.writeString(file, printed(ConfigKind.RIG));
        RigFile rig = RigFileLoader.load(file);
        assertEquals("my-tile", rig.description().id());
        assertEquals(RigKind.SIMULATED, rig.description().kind());
        assertEquals(11, rig.description().parameters().size());
        assertEquals(4, rig.description().channels().size());
        CliTest.Run measured = CliTest.run("measure", "--rig", file.toString(), "--delays", "4.5", "--json");
        assertEquals(0, measured.exit(), measured.err());
        JsonNode m = new ObjectMapper().readTree(measured.out());
        assertEquals(4, m.get("channels").size());
        double n3 = m.get("channels").get(3).get("first_spike_ns").asDouble();
        assertTrue(n3 > 4.5 && n3 < 30, "n3 fired at " + n3 + " ns");
    }

    @Test
    void theDaemonTemplateLoadsWithTheDefaults() throws Exception {
        String text = printed(ConfigKind.DAEMON);
        assertTrue(text.contains("--daemon-config FILE"), "the daemon template says how it is passed");
        Path file = dir.resolve("tileloop.yaml");
        Files.writeString(file, text);
        DaemonConfig loaded = DaemonConfig.load(file);
        DaemonConfig defaults = new DaemonConfig();
        assertEquals(List.of(defaults.runsDir, defaults.calibrationDir, defaults.stateDir, defaults.onRestart),
                List.of(loaded.runsDir, loaded.calibrationDir, loaded.stateDir, loaded.onRestart));
        assertEquals(null, loaded.host);
        assertEquals(null, loaded.broker);
    }

    @ParameterizedTest
    @EnumSource(ConfigKind.class)
    void everySchemaKeyIsInTheTemplateAndTheExamplesAreValid(ConfigKind kind) throws Exception {
        String text = printed(kind);
        String all = uncommented(text, kind);
        JsonNode tree = StrictInput.yaml(all.getBytes(StandardCharsets.UTF_8), kind.key() + " template, uncommented", "template");
        SchemaCheck.of(kind.key()).validate(tree, kind.key() + " template, uncommented", "template");
        JsonNode schema = new ObjectMapper().readTree(InitConfigCommandTest.class.getResource("/schema/" + kind.key() + ".schema.json"));
        Set<String> allowed = new TreeSet<>();
        schemaKeys(schema, schema, "", allowed);
        Set<String> present = new TreeSet<>();
        templateKeys(schema, schema, tree, "", present);
        Set<String> missing = new TreeSet<>(allowed);
        missing.removeAll(present);
        assertTrue(missing.isEmpty(), "templates/" + kind.key() + ".yaml lacks " + missing);
        assertTrue(allowed.size() > 10, allowed.toString());
    }

    @Test
    void theTrainingTemplateShowsTheRealDefaults() {
        Map<String, Object> defaults = new TrainingConfigBuilder().asMap();
        int checked = 0;
        for (String line : printed(ConfigKind.TRAINING).lines().toList()) {
            var m = Pattern.compile("#([a-z0-9_]+): ([-0-9.]+|[a-z_]+)").matcher(line);
            if (m.matches()) {
                Object expected = defaults.get(m.group(1));
                String shown = m.group(2);
                if (expected instanceof Number n) {
                    assertEquals(n.doubleValue(), Double.parseDouble(shown), 1e-15, m.group(1));
                } else {
                    assertEquals(String.valueOf(expected), shown, m.group(1));
                }
                checked++;
            }
        }
        assertTrue(checked >= 30, checked + " defaults checked");
    }

    @Test
    void outWritesTheTemplateAndNeverOverwrites() throws Exception {
        Path file = dir.resolve("rig.yaml");
        CliTest.Run first = CliTest.run("init-config", "rig", "--out", file.toString());
        assertEquals(0, first.exit(), first.err());
        assertEquals(printed(ConfigKind.RIG), Files.readString(file));
        Files.writeString(file, "mine");
        CliTest.Run again = CliTest.run("init-config", "rig", "--out", file.toString());
        assertEquals(2, again.exit());
        assertEquals("error: " + file + ": already exists; init-config does not overwrite files (choose another --out)", again.err().strip());
        assertEquals("mine", Files.readString(file));
        CliTest.Run badKind = CliTest.run("init-config", "Rig");
        assertEquals(2, badKind.exit());
        assertTrue(badKind.err().startsWith("error: ") && badKind.err().contains("one of: training, rig, daemon"), badKind.err());
    }

    /**
     * The template with every commented-out setting switched on; every full-line comment must be
     * either a setting or prose, so the two cannot be confused.
     */
    static String uncommented(String text, ConfigKind kind) {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String line : text.lines().toList()) {
            n++;
            if (!line.stripLeading().startsWith("#")) {
                out.add(line);
                continue;
            }
            var setting = SETTING.matcher(line);
            if (setting.matches()) {
                out.add(setting.group(1));
            } else {
                assertTrue(PROSE.matcher(line).matches(), kind.key() + " template line " + n + " is neither prose ('# text') nor a setting ('#key: value'): " + line);
                out.add(line);
            }
        }
        return String.join("\n", out) + "\n";
    }

    /** Every key the schema names, as a path: {@code simulator.timing_chain.seed}, {@code parameters[].name}, {@code targets_ns.*}. */
    static void schemaKeys(JsonNode root, JsonNode s, String path, Set<String> out) {
        s = resolve(root, s);
        s.path("properties").fields().forEachRemaining(e -> {
            out.add(child(path, e.getKey()));
            schemaKeys(root, e.getValue(), child(path, e.getKey()), out);
        });
        if (s.path("items").isObject()) {
            schemaKeys(root, s.get("items"), path + "[]", out);
        }
        if (s.path("additionalProperties").isObject()) {
            schemaKeys(root, s.get("additionalProperties"), path + ".*", out);
        }
    }

    /** The schema keys a document uses, as paths like {@link #schemaKeys}. */
    static void templateKeys(JsonNode root, JsonNode s, JsonNode node, String path, Set<String> out) {
        JsonNode schema = resolve(root, s);
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                JsonNode property = schema.path("properties").get(e.getKey());
                if (property != null) {
                    out.add(child(path, e.getKey()));
                    templateKeys(root, property, e.getValue(), child(path, e.getKey()), out);
                } else if (schema.path("additionalProperties").isObject()) {
                    templateKeys(root, schema.get("additionalProperties"), e.getValue(), path + ".*", out);
                }
            });
        } else if (node.isArray() && schema.path("items").isObject()) {
            node.forEach(item -> templateKeys(root, schema.get("items"), item, path + "[]", out));
        }
    }

    private static JsonNode resolve(JsonNode root, JsonNode s) {
        while (s.has("$ref")) {
            s = root.at(s.get("$ref").asText().substring(1));
        }
        return s;
    }

    private static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
