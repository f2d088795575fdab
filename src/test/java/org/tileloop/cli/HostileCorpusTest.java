package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tileloop.daemon.Daemon;
import org.tileloop.daemon.DaemonConfig;
import org.tileloop.input.BadInputException;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.internal.MosquittoBroker;

/**
 * Every case under {@code src/test/resources/hostile/} (see its README): a hostile or careless
 * input to the CLI, the daemon's command topic or a run directory. Each must end with its
 * documented exit code and a one-line message naming the file (or topic) and key, with no stack
 * trace, no Java class name, no canary file and nothing written outside the case's directory.
 */
class HostileCorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/hostile");
    static final Path REPO = Path.of("").toAbsolutePath();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern CLASS_NAME = Pattern.compile("\\b(java|javax|sun|com\\.fasterxml|com\\.networknt|org\\.(yaml|eclipse|tileloop|apache|snakeyaml))\\.[\\w.$]*[A-Z]\\w*");
    static final List<String> WATCHED = List.of("rigs", "simulated-rig", "calibration", "runs", "drivers", "src/main");

    @TempDir
    static Path shared;

    static MosquittoBroker broker;
    static Daemon daemon;
    static Path baseRun;

    record Case(String name, JsonNode spec) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws Exception {
        List<Case> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CORPUS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                all.add(new Case(CORPUS.relativize(f).toString(), YAML.readTree(f.toFile())));
            }
        }
        assertTrue(all.size() >= 120, "the corpus holds at least 120 cases, has " + all.size());
        return all.stream();
    }

    @BeforeAll
    static void setUp() throws Exception {
        Map<String, String> users = MosquittoBroker.generatedUsers();
        broker = MosquittoBroker.start(shared.resolve("broker"), MosquittoBroker.freePort(), false, users);
        Path pw = shared.resolve("daemon-password");
        Files.writeString(pw, users.get("daemon"));
        Path cfg = shared.resolve("daemon.yaml");
        Files.writeString(cfg, "host: hostile\nrigs: [" + REPO.resolve("rigs/sim-tile4.yaml") + ", " + REPO.resolve("rigs/digital-detector.yaml")
                + "]\nruns_dir: " + shared.resolve("daemon-runs") + "\ncalibration_dir: " + shared.resolve("cal")
                + "\nstate_dir: " + shared.resolve("daemon-state") + "\nbroker:\n  url: " + broker.url()
                + "\n  username: daemon\n  password_file: " + pw + "\n");
        daemon = new Daemon(DaemonConfig.load(cfg), shared, REPO, new TrainingRun.Build("test", Optional.empty()));

        CliTest.Run r = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--iterations", "2", "--seed", "1", "--runs-dir",
                shared.resolve("base").toString(), "--calibration-dir", shared.resolve("cal").toString());
        assertEquals(0, r.exit(), r.err());
        baseRun = shared.resolve("base/latest").toRealPath();
        Path manifest = baseRun.resolve("manifest.json");
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        m.put("status", "aborted");
        Files.write(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    }

    @AfterAll
    static void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedCleanly(Case c, @TempDir Path dir) throws Exception {
        JsonNode s = c.spec();
        Path canary = dir.resolve("canary");
        Map<String, String> vars = Map.of("@DIR@", dir.toString(), "@CANARY@", canary.toString(), "@REPO@", REPO.toString());
        HostileFiles.write(s.path("files"), dir, vars);
        Map<String, Long> before = snapshot();
        String kind = s.path("kind").asText("cli");
        String message;
        switch (kind) {
            case "cli" -> message = cli(c, s, dir, vars);
            case "rundir" -> {
                Path run = HostileFiles.copyTree(baseRun, dir.resolve("run"));
                HostileFiles.mutate(s.get("mutate"), run);
                message = cli(c, s, dir, Map.of("@RUN@", run.toString(), "@DIR@", dir.toString()));
            }
            case "mqtt" -> {
                String topic = s.path("topic").asText("tileloop/v1/hostile/cmd");
                byte[] payload = HostileFiles.payload(s, vars);
                BadInputException e = assertThrows(BadInputException.class, () -> daemon.handle(topic, payload), c.name());
                message = e.getMessage();
                assertFalse(message.contains("\n"), "one line: " + message);
                assertEquals(0, daemon.handle("check", "{\"command\":\"jobs\"}".getBytes(StandardCharsets.UTF_8)).get("jobs").size(),
                        "nothing was queued");
            }
            default -> throw new IllegalArgumentException(c.name() + ": kind " + kind);
        }
        for (JsonNode expected : s.path("expect")) {
            String want = HostileFiles.substitute(expected.asText(), vars).replace("@RUN@", dir.resolve("run").toString());
            assertTrue(message.contains(want), c.name() + ": message lacks '" + want + "': " + message);
        }
        assertFalse(CLASS_NAME.matcher(message).find(), c.name() + ": names a Java class: " + message);
        assertFalse(Files.exists(canary), c.name() + ": the canary was created");
        assertFalse(Files.exists(REPO.resolve("canary")), c.name() + ": a canary appeared in the checkout");
        assertEquals(before, snapshot(), c.name() + ": files outside the case's directory changed");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path link : files.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        }
    }

    /** The control for the {@code rehash} mutation: a re-hashed but unchanged state is trusted and the run completes. */
    @org.junit.jupiter.api.Test
    void aRehashedUnchangedStateResumes(@TempDir Path dir) throws Exception {
        Path run = HostileFiles.copyTree(baseRun, dir.resolve("run"));
        HostileFiles.mutate(YAML.readTree("[{file: state.json, json_set: [/measurements, " + JSON.readTree(run.resolve("state.json").toFile())
                .get("measurements").asLong() + "], rehash: true}]"), run);
        CliTest.Run r = CliTest.run("train", "--resume", run.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("completed", JSON.readTree(run.resolve("manifest.json").toFile()).get("status").asText());
    }

    private static String cli(Case c, JsonNode s, Path dir, Map<String, String> vars) {
        List<String> args = new ArrayList<>();
        s.get("args").forEach(a -> args.add(HostileFiles.substitute(a.asText(), vars)));
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        String all = r.out() + r.err();
        assertEquals(s.path("exit").asInt(2), r.exit(), c.name() + ": exit code; stderr: " + r.err());
        assertFalse(all.contains("\tat ") || all.contains("Exception in thread") || all.contains("Caused by"),
                c.name() + ": stack trace:\n" + all);
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), c.name() + ": exactly one error line: " + r.err());
        return errors.get(0);
    }

    /** Size and modification time of every file in the watched parts of the checkout. */
    private static Map<String, Long> snapshot() throws Exception {
        Map<String, Long> m = new TreeMap<>();
        for (String d : WATCHED) {
            Path root = REPO.resolve(d);
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    m.put(REPO.relativize(f).toString(), Files.size(f) * 31 + Files.getLastModifiedTime(f).toMillis());
                }
            }
        }
        try (Stream<Path> top = Files.list(REPO)) {
            top.forEach(p -> m.put("/" + p.getFileName(), 0L));
        }
        return m;
    }
}
