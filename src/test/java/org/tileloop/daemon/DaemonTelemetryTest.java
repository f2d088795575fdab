package org.tileloop.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.cli.Main;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Topics;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.internal.MosquittoBroker;

/** The daemon against a real mosquitto on a free loopback port, with the shipped ACL and generated passwords. */
class DaemonTelemetryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOST = "testhost";

    @TempDir
    static Path dir;

    static MosquittoBroker broker;
    static Map<String, String> users;

    record Msg(String topic, JsonNode body) {
    }

    @BeforeAll
    static void startBroker() throws Exception {
        users = MosquittoBroker.generatedUsers();
        broker = MosquittoBroker.start(dir.resolve("broker"), MosquittoBroker.freePort(), false, users);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    static BrokerSettings as(String user) {
        return new BrokerSettings(broker.url(), Optional.of(user), Optional.of(users.get(user).toCharArray()), Optional.empty());
    }

    static Path config(String name) throws Exception {
        Path pw = dir.resolve("daemon-password");
        Files.writeString(pw, users.get("daemon"));
        Path cfg = dir.resolve(name + ".yaml");
        Path cwd = Path.of("").toAbsolutePath();
        Files.writeString(cfg, "host: " + HOST + "\nrigs: [" + cwd.resolve("rigs/sim-tile4.yaml") + "]\nruns_dir: " + dir.resolve(name + "-runs")
                + "\ncalibration_dir: " + dir.resolve("cal") + "\nstate_dir: " + dir.resolve(name + "-state")
                + "\nbroker:\n  url: " + broker.url() + "\n  username: daemon\n  password_file: " + pw + "\n");
        return cfg;
    }

    static Daemon daemon(String name) throws Exception {
        Path cfg = config(name);
        return new Daemon(DaemonConfig.load(cfg), cfg.getParent(), Path.of("").toAbsolutePath(), new TrainingRun.Build("test", Optional.empty()));
    }

    /**
     * Collects telemetry. Persistent: a real {@code mosquitto_sub} with a persistent MQTT 5 session
     * (it reconnects by itself across broker restarts); otherwise our Paho subscriber.
     */
    static final class Inbox implements AutoCloseable {
        final List<Msg> messages = new ArrayList<>();
        Telemetry.Subscription sub;
        Process mosquittoSub;

        Inbox(String clientId, boolean persistent) throws Exception {
            if (persistent) {
                mosquittoSub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-V", "mqttv5",
                        "-c", "-x", "3600", "-q", "1", "-i", clientId, "-u", "monitor", "-P", users.get("monitor"),
                        "-t", Topics.host(HOST) + "/#", "-F", "%t %p").redirectError(ProcessBuilder.Redirect.DISCARD).start();
                Thread reader = new Thread(() -> {
                    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(mosquittoSub.getInputStream()))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            int sp = line.indexOf(' ');
                            add(line.substring(0, sp), line.substring(sp + 1).getBytes());
                        }
                    } catch (java.io.IOException e) {
                        // process ended
                    }
                });
                reader.setDaemon(true);
                reader.start();
                Thread.sleep(500);
            } else {
                sub = Telemetry.subscribe(as("monitor"), clientId, Topics.everything(HOST), false, this::add);
            }
        }

        void add(String topic, byte[] payload) {
            try {
                JsonNode body = JSON.readTree(payload);
                synchronized (messages) {
                    messages.add(new Msg(topic, body));
                    messages.notifyAll();
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(topic + ": " + new String(payload), e);
            }
        }

        List<Msg> on(String suffix) {
            synchronized (messages) {
                return messages.stream().filter(m -> m.topic().endsWith(suffix)).toList();
            }
        }

        void await(String suffix, Predicate<List<Msg>> done, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (messages) {
                while (!done.test(on(suffix))) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new AssertionError("timed out waiting on " + suffix + "; have " + on(suffix).size());
                    }
                    messages.wait(left);
                }
            }
        }

        @Override
        public void close() {
            if (sub != null) {
                sub.close();
            }
            if (mosquittoSub != null) {
                mosquittoSub.destroy();
            }
        }
    }

    static ObjectNode command(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void aTrainingRunStreamsEveryIterationThroughTwoBrokerRestarts() throws Exception {
        try (Inbox inbox = new Inbox("test-monitor-persistent", true); Daemon d = daemon("restarts")) {
            inbox.await("/birth", l -> !l.isEmpty(), 20);
            ObjectNode reply = Telemetry.request(as("operator"), HOST,
                    command("{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"train\",\"iterations\":10,\"seed\":1}"), 20);
            assertTrue(reply.get("ok").asBoolean(), reply.toString());
            String job = reply.get("job").get("id").asText();
            inbox.await("/rig/sim-tile4/iteration", l -> l.size() >= 2, 60);
            broker.restart();
            inbox.await("/rig/sim-tile4/iteration", l -> l.size() >= 5, 90);
            broker.restart();
            inbox.await("/rig/sim-tile4/run", l -> l.stream().anyMatch(m -> m.body().path("event").asText().equals("stop")), 180);
            inbox.await("/rig/sim-tile4/iteration", l -> iterations(l).size() == 11, 30);

            List<Msg> its = inbox.on("/rig/sim-tile4/iteration");
            assertEquals(new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)), iterations(its), "every iteration arrived");
            Set<Long> seqs = new TreeSet<>();
            its.forEach(m -> seqs.add(m.body().get("seq").asLong()));
            assertEquals(11, seqs.size(), "sequence numbers 0..10 without a gap: " + seqs);
            assertEquals(10L, ((TreeSet<Long>) seqs).last());
            JsonNode first = its.get(0).body();
            assertEquals(1, first.get("schema").asInt());
            assertEquals(job, first.get("job").asText());
            assertTrue(first.get("loss_train_ns2").asDouble() > first.path("terms_train").path("timing").asDouble() - 1e-12);
            assertTrue(java.time.Instant.parse(first.get("time").asText()).isAfter(java.time.Instant.parse("2020-01-01T00:00:00Z")),
                    first.toString());
            assertTrue(first.get("parameters").has("r_fb") && first.get("gradient").has("rleak") && first.get("step").has("iin_amp"));
            assertTrue(inbox.on("/birth").size() >= 3, "a birth on connect and after each broker restart: " + inbox.on("/birth").size());
            JsonNode birth = inbox.on("/birth").get(0).body();
            assertEquals("sim-tile4", birth.get("rigs").get(0).get("id").asText());
            assertTrue(birth.get("metrics").toString().contains("\"first_spike_ns\""));
            inbox.await("/rig/sim-tile4/state", l -> !l.isEmpty() && l.get(l.size() - 1).body().get("state").asText().equals("idle"), 30);
            List<String> states = inbox.on("/rig/sim-tile4/state").stream().map(m -> m.body().get("state").asText()).toList();
            assertTrue(states.contains("running") && states.get(states.size() - 1).equals("idle"), states.toString());
            List<Msg> runs = inbox.on("/rig/sim-tile4/run");
            JsonNode stop = runs.stream().filter(m -> m.body().get("event").asText().equals("stop")).findFirst().orElseThrow().body();
            assertEquals("completed", stop.get("status").asText());
            assertEquals(10, stop.get("manifest").get("iterations_completed").asInt());
            assertTrue(runs.stream().anyMatch(m -> m.body().get("event").asText().equals("start")
                    && m.body().get("manifest").get("config").get("iterations").asInt() == 10));
            Set<String> timings = new TreeSet<>();
            inbox.on("/rig/sim-tile4/timing").forEach(m -> {
                JsonNode b = m.body();
                JsonNode ch = b.get("channels").get(0);
                assertTrue(ch.has("first_spike_raw_ns") && ch.has("first_spike_ns") && ch.has("calibration_id"), b.toString());
                assertTrue(ch.has("spike_count") && ch.get("spike_count").isNull(), "first-spike training: count unknown: " + b);
                timings.add(b.get("iteration").asInt() + "/" + b.get("split").asText() + "/" + b.get("delay_ns").asDouble());
            });
            assertEquals(11 * 6, timings.size(), "every measured trace of every iteration");
        }
    }

    @Test
    void aMeasureJobPublishesTheFullWindowSpikeCounts() throws Exception {
        RigFile file = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml"));
        StimulusResult full;
        try (SpiceRig rig = new SpiceRig(file.description(), file.simulator().orElseThrow(), IdentityCalibration.INSTANCE,
                Ngspice.locate())) {
            full = rig.measure(List.of(new Probe(file.description().defaults(), Stimulus.delay(file.description(), 4.5),
                    Probe.Window.FULL))).get(0);
        }
        try (Inbox inbox = new Inbox("test-monitor-measure", false); Daemon d = daemon("measure")) {
            ObjectNode reply = Telemetry.request(as("operator"), HOST,
                    command("{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5]}"), 20);
            assertTrue(reply.get("ok").asBoolean(), reply.toString());
            inbox.await("/rig/sim-tile4/timing", l -> !l.isEmpty(), 60);
            JsonNode channels = inbox.on("/rig/sim-tile4/timing").get(0).body().get("channels");
            for (int c = 0; c < 4; c++) {
                int count = full.channels().get(c).spikeCount().orElseThrow();
                assertTrue(channels.get(c).get("spike_count").isInt(), channels.toString());
                assertEquals(count, channels.get(c).get("spike_count").asInt(), "n" + c + ": " + channels);
            }
            String id = reply.get("job").get("id").asText();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            JsonNode shown = d.handle("cmd", control("show", id)).get("job");
            while (!shown.get("state").asText().equals("completed") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                shown = d.handle("cmd", control("show", id)).get("job");
            }
            List<String[]> rows = org.tileloop.CsvCheck.rectangular(Path.of(shown.get("run_dir").asText()).resolve("measurements.csv"));
            assertEquals(1 + 4, rows.size(), "one row per channel of the one stimulus");
            for (int c = 0; c < 4; c++) {
                assertEquals(Integer.toString(full.channels().get(c).spikeCount().orElseThrow()), rows.get(1 + c)[5], "spike_count of n" + c);
            }
        }
    }

    @Test
    void aPausedJobIsPausedEverywhereAndACancelledQueuedJobIsAborted() throws Exception {
        try (Inbox inbox = new Inbox("test-monitor-pause", false); Daemon d = daemon("pause")) {
            inbox.await("/birth", l -> !l.isEmpty(), 20);
            String train = d.handle("cmd", "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"iterations\":12,\"seed\":1}".getBytes())
                    .get("job").get("id").asText();
            JsonNode queued = d.handle("cmd", "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5]}"
                    .getBytes()).get("job");
            assertEquals("queued", queued.get("state").asText());
            JsonNode cancelled = d.handle("cmd", control("cancel", queued.get("id").asText())).get("job");
            assertEquals("aborted", cancelled.get("state").asText());
            assertEquals("cancelled before it started", cancelled.get("reason").asText());

            inbox.await("/rig/sim-tile4/iteration", l -> !l.isEmpty(), 60);
            assertEquals("running", d.handle("cmd", control("pause", train)).get("job").get("state").asText());
            inbox.await("/rig/sim-tile4/run", l -> stops(l).size() == 1, 60);
            JsonNode stop = stops(inbox.on("/rig/sim-tile4/run")).get(0);
            assertEquals("paused", stop.get("status").asText());
            assertEquals("paused", stop.get("manifest").get("status").asText(), "the run's own record says paused too");
            assertTrue(stop.get("reason").asText().startsWith("pause requested after iteration"), stop.toString());
            inbox.await("/rig/sim-tile4/state", l -> l.get(l.size() - 1).body().get("state").asText().equals("paused"), 30);
            JsonNode jobs = d.handle("cmd", "{\"command\":\"jobs\"}".getBytes()).get("jobs");
            assertEquals("paused", jobs.get(0).get("state").asText(), jobs.toString());
            assertEquals("aborted", jobs.get(1).get("state").asText(), jobs.toString());

            String resumed = d.handle("cmd", control("resume", train)).get("job").get("id").asText();
            inbox.await("/rig/sim-tile4/run", l -> stops(l).size() == 2, 120);
            assertEquals("completed", stops(inbox.on("/rig/sim-tile4/run")).get(1).get("status").asText());
            inbox.await("/rig/sim-tile4/state", l -> l.get(l.size() - 1).body().get("state").asText().equals("idle"), 30);
            JsonNode last = d.handle("cmd", "{\"command\":\"jobs\"}".getBytes()).get("jobs").get(2);
            assertEquals(resumed, last.get("id").asText());
            assertEquals("completed", last.get("state").asText(), last.toString());
        }
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheReplyCacheAndRunsOnce() throws Exception {
        try (Inbox inbox = new Inbox("test-monitor-repeat", false); Daemon d = daemon("repeat")) {
            String replyTopic = Topics.reply(HOST, "repeater");
            String submit = "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5]}";
            for (int i = 0; i < 3; i++) {
                Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-V", "mqttv5",
                        "-u", "operator", "-P", users.get("operator"), "-q", "1", "-t", Topics.commands(HOST),
                        "-D", "publish", "response-topic", replyTopic, "-D", "publish", "correlation-data", "same-request",
                        "-m", submit).redirectErrorStream(true).start();
                assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0);
            }
            inbox.await("/reply/repeater", l -> l.size() == 3, 30);
            List<Msg> replies = inbox.on("/reply/repeater");
            for (Msg r : replies) {
                assertEquals(replies.get(0).body().get("job"), r.body().get("job"), "the same answer each time: " + replies);
            }
            assertEquals(1, d.jobs().size(), "the job was queued once");
        }
    }

    @Test
    void afterABrokerRestartTheHostStatusAndRigStatesAreRetainedAgain() throws Exception {
        try (Daemon d = daemon("restart")) {
            for (String t : List.of(Topics.stream(HOST, Topics.STATUS), Topics.stream(HOST, Topics.rig("sim-tile4", Topics.STATE)))) {
                new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-u", "daemon",
                        "-P", users.get("daemon"), "-r", "-n", "-t", t).start().waitFor(20, TimeUnit.SECONDS);
            }
            broker.restart();
            try (Inbox late = new Inbox("test-monitor-restart", false)) {
                late.await("/status", l -> l.stream().anyMatch(m -> m.body().path("status").asText().equals("online")), 60);
                late.await("/rig/sim-tile4/state", l -> !l.isEmpty(), 30);
                assertEquals("idle", late.on("/rig/sim-tile4/state").get(0).body().get("state").asText());
            }
        }
    }

    @Test
    void aDaemonKilledMidTrainingResumesTheJobOnRestartToTheSameArtifacts() throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        TrainingRun reference = TrainingRun.create(cwd.resolve("rigs/sim-tile4.yaml"), null, 6, 1L, dir.resolve("durable-reference"),
                new org.tileloop.calibration.CalibrationStore(dir.resolve("cal")), false, "reference", new TrainingRun.Build("test", Optional.empty()));
        assertEquals(org.tileloop.run.RunStatus.COMPLETED, reference.execute(List.of(), org.tileloop.run.StopRequest.NONE,
                new java.io.PrintWriter(new java.io.StringWriter())).stop().status());
        Path cfg = config("durable");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder daemon = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "daemon", "--daemon-config", cfg.toString()).redirectErrorStream(true);
        try (Inbox inbox = new Inbox("test-monitor-durable", false)) {
            Process first = daemon.redirectOutput(dir.resolve("durable-1.log").toFile()).start();
            Process second = null;
            try {
                inbox.await("/birth", l -> !l.isEmpty(), 60);
                String session1 = inbox.on("/birth").get(inbox.on("/birth").size() - 1).body().get("session").asText();
                ObjectNode reply = Telemetry.request(as("operator"), HOST,
                        command("{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"iterations\":6,\"seed\":1}"), 30);
                String job = reply.get("job").get("id").asText();
                inbox.await("/rig/sim-tile4/iteration", l -> l.size() >= 2, 60);
                first.destroyForcibly();
                assertTrue(first.waitFor(20, TimeUnit.SECONDS));
                inbox.await("/status", l -> l.stream().anyMatch(m -> is(m, "offline", session1)), 30);

                second = daemon.redirectOutput(dir.resolve("durable-2.log").toFile()).start();
                inbox.await("/run", l -> l.stream().anyMatch(m -> m.body().path("event").asText().equals("stop")
                        && m.body().path("job").asText().equals(job)), 120);
                JsonNode stop = inbox.on("/run").stream().filter(m -> m.body().path("event").asText().equals("stop")).findFirst()
                        .orElseThrow().body();
                assertEquals("completed", stop.get("status").asText(), stop.toString());
                JsonNode manifest = stop.get("manifest");
                assertEquals("interrupted", manifest.get("resumes").get(0).get("previous_status").asText(), manifest.toString());
                Path run = dir.resolve("durable-runs").resolve(manifest.get("run_id").asText());
                assertEquals(org.tileloop.CsvCheck.withoutTime(reference.runDir().resolve("iterations.csv")),
                        org.tileloop.CsvCheck.withoutTime(run.resolve("iterations.csv")));
                for (String f : List.of("traces.csv", "summary.md")) {
                    assertEquals(Files.readString(reference.runDir().resolve(f)), Files.readString(run.resolve(f)), f);
                }
                for (String f : List.of("loss.svg", "parameters.svg")) {
                    assertEquals(org.tileloop.SvgCheck.withoutRunId(reference.runDir(), f), org.tileloop.SvgCheck.withoutRunId(run, f), f);
                }
                JsonNode jobs = Telemetry.request(as("operator"), HOST, command("{\"command\":\"jobs\"}"), 30).get("jobs");
                assertEquals(1, jobs.size(), jobs.toString());
                assertEquals(job, jobs.get(0).get("id").asText());
                assertEquals("completed", jobs.get(0).get("state").asText());
                String session2 = inbox.on("/birth").get(inbox.on("/birth").size() - 1).body().get("session").asText();
                assertFalse(session1.equals(session2), "a new process, a new session");
                assertTrue(inbox.on("/status").stream().anyMatch(m -> is(m, "online", session2)));
                inbox.await("/rig/sim-tile4/state", l -> l.get(l.size() - 1).body().get("state").asText().equals("idle"), 30);
                ObjectNode next = Telemetry.request(as("operator"), HOST,
                        command("{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5]}"), 30);
                assertEquals("j" + (Integer.parseInt(job.substring(1)) + 1), next.get("job").get("id").asText(), "ids continue");
            } finally {
                first.destroyForcibly();
                if (second != null) {
                    second.destroy();
                    second.waitFor(60, TimeUnit.SECONDS);
                    second.destroyForcibly();
                }
            }
        }
    }

    @Test
    void aCleanShutdownPausesARunningTrainingAndTheNextDaemonResumesIt() throws Exception {
        try (Inbox inbox = new Inbox("test-monitor-shutdown", false)) {
            String job;
            try (Daemon d = daemon("shutdown")) {
                job = d.handle("cmd", "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"iterations\":8,\"seed\":1}".getBytes())
                        .get("job").get("id").asText();
                d.handle("cmd", "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5]}".getBytes());
                inbox.await("/rig/sim-tile4/iteration", l -> !l.isEmpty(), 60);
            }
            JsonNode paused = stops(inbox.on("/rig/sim-tile4/run")).get(0);
            assertEquals("paused", paused.get("status").asText(), paused.toString());
            try (Daemon d = daemon("shutdown")) {
                inbox.await("/rig/sim-tile4/run", l -> stops(l).size() == 2, 120);
                JsonNode done = stops(inbox.on("/rig/sim-tile4/run")).get(1);
                assertEquals("completed", done.get("status").asText(), done.toString());
                assertEquals(job, done.get("job").asText());
                assertEquals("paused", done.get("manifest").get("resumes").get(0).get("previous_status").asText());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!d.jobs().stream().allMatch(j -> j.state().equals("completed")) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(List.of("completed", "completed"), d.jobs().stream().map(Job::state).toList(),
                        "the queued measure job ran after the restart too");
            }
        }
    }

    static boolean is(Msg m, String status, String session) {
        return m.body().path("status").asText().equals(status) && m.body().path("session").asText().equals(session);
    }

    static byte[] control(String command, String job) {
        return ("{\"command\":\"" + command + "\",\"job\":\"" + job + "\"}").getBytes();
    }

    static List<JsonNode> stops(List<Msg> runs) {
        return runs.stream().map(Msg::body).filter(b -> b.get("event").asText().equals("stop")).toList();
    }

    static Set<Integer> iterations(List<Msg> l) {
        Set<Integer> s = new TreeSet<>();
        l.forEach(m -> s.add(m.body().get("iteration").asInt()));
        return s;
    }

    @Test
    void commandsFromUnauthenticatedOrUnauthorisedClientsHaveNoEffectAndBadOnesAreAnswered() throws Exception {
        try (Daemon d = daemon("security")) {
            ObjectNode jobs = Telemetry.request(as("operator"), HOST, command("{\"command\":\"jobs\"}"), 20);
            assertTrue(jobs.get("ok").asBoolean());
            int before = jobs.get("jobs").size();
            String submit = "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5]}";
            BrokerSettings anonymous = new BrokerSettings(broker.url(), Optional.empty(), Optional.empty(), Optional.empty());
            assertThrows(RigUnavailableException.class, () -> Telemetry.request(anonymous, HOST, command(submit), 5));
            BrokerSettings wrong = new BrokerSettings(broker.url(), Optional.of("operator"), Optional.of("guess".toCharArray()), Optional.empty());
            assertThrows(RigUnavailableException.class, () -> Telemetry.request(wrong, HOST, command(submit), 5));
            RigUnavailableException monitor = assertThrows(RigUnavailableException.class,
                    () -> Telemetry.request(as("monitor"), HOST, command(submit), 3), "the ACL drops a monitor's command");
            assertTrue(monitor.getMessage().contains("no reply"), monitor.getMessage());
            Thread.sleep(500);
            assertEquals(before, Telemetry.request(as("operator"), HOST, command("{\"command\":\"jobs\"}"), 20).get("jobs").size(),
                    "no job was created");

            CommandException notJson = assertThrows(CommandException.class, () -> d.handle("cmd", "rm -rf /".getBytes()));
            assertTrue(notJson.getMessage().startsWith("cmd: not valid JSON"), notJson.getMessage());
            CommandException big = assertThrows(CommandException.class, () -> d.handle("cmd", new byte[20_000]));
            assertTrue(big.getMessage().contains("exceeds the limit of 16384 bytes"), big.getMessage());
            for (String[] bad : new String[][] {
                    {"{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"seed\":18446744073709551621}", "seed: 18446744073709551621 is out of range"},
                    {"{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"iterations\":18446744073709551617}", "iterations: 18446744073709551617 is out of range"},
                    {"{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"iterations\":1e2}", "iterations: 100.0 is not an integer"},
                    {"{\"command\":\"jobs\",\"command\":\"submit\"}", "Duplicate field 'command'"},
                    {"{\"command\":\"submit\",\"rig\":\"sim-tile4\\n\"}", "rig: value contains control character U+000A"}}) {
                CommandException e = assertThrows(CommandException.class, () -> d.handle("cmd", bad[0].getBytes()), bad[0]);
                assertTrue(e.getMessage().contains(bad[1]), bad[0] + " -> " + e.getMessage());
            }
            for (String[] bad : new String[][] {
                    {"{\"command\":\"format c:\"}", "command: 'format c:' is not one of"},
                    {"{\"command\":\"submit\",\"rig\":\"nope\"}", "rig: 'nope' is not a rig of host testhost"},
                    {"{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5],\"set\":{\"r_fb\":99999}}",
                            "r_fb = 99999 is outside the allowed range [2000, 6000] ohm"},
                    {"{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"config\":\"../../etc/passwd\"}", "is not a training config name"},
                    {"{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"shell\":\"rm -rf /\"}", "unknown key 'shell'"},
                    {"{\"command\":\"cancel\",\"job\":\"j999\"}", "no job 'j999'"}}) {
                ObjectNode r = Telemetry.request(as("operator"), HOST, command(bad[0]), 20);
                assertFalse(r.get("ok").asBoolean(), bad[0]);
                assertTrue(r.get("error").asText().contains(bad[1]), bad[0] + " -> " + r.get("error").asText());
            }
            ObjectNode ok = Telemetry.request(as("operator"), HOST, command(submit), 20);
            assertTrue(ok.get("ok").asBoolean(), ok.toString());
        }
    }

    @Test
    void aRetainedCommandIsAnsweredWithARefusalAndNeverExecuted() throws Exception {
        String cmd = Topics.commands(HOST);
        String replyTopic = Topics.reply(HOST, "retainer");
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-V", "mqttv5",
                "-u", "operator", "-P", users.get("operator"), "-q", "1", "-r", "-t", cmd,
                "-D", "publish", "response-topic", replyTopic, "-D", "publish", "correlation-data", "c1",
                "-m", "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5]}")
                .redirectErrorStream(true).start();
        assertTrue(pub.waitFor(20, TimeUnit.SECONDS) && pub.exitValue() == 0, new String(pub.getInputStream().readAllBytes()));
        try (Inbox inbox = new Inbox("test-monitor-retained", false); Daemon d = daemon("retained")) {
            inbox.await("/reply/retainer", l -> !l.isEmpty(), 30);
            JsonNode reply = inbox.on("/reply/retainer").get(0).body();
            assertFalse(reply.get("ok").asBoolean(), reply.toString());
            assertTrue(reply.get("error").asText().startsWith(cmd + ": retained command refused"), reply.toString());
            assertEquals(0, d.handle("cmd", "{\"command\":\"jobs\"}".getBytes()).get("jobs").size(), "nothing was queued");

            String measure = "{\"command\":\"submit\",\"rig\":\"sim-tile4\",\"kind\":\"measure\",\"delays_ns\":[4.5]}";
            Process noReplyTopic = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-V", "mqttv5",
                    "-u", "operator", "-P", users.get("operator"), "-q", "1", "-t", cmd, "-m", measure).redirectErrorStream(true).start();
            assertTrue(noReplyTopic.waitFor(20, TimeUnit.SECONDS) && noReplyTopic.exitValue() == 0);
            Process huge = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-V", "mqttv5",
                    "-u", "operator", "-P", users.get("operator"), "-q", "1", "-t", cmd, "-D", "publish", "response-topic", replyTopic,
                    "-D", "publish", "correlation-data", "d".repeat(40_000), "-m", "{\"command\":\"jobs\"}").redirectErrorStream(true).start();
            huge.waitFor(20, TimeUnit.SECONDS);
            ObjectNode jobs = Telemetry.request(as("operator"), HOST, command("{\"command\":\"jobs\"}"), 20);
            assertEquals(0, jobs.get("jobs").size(), "a command without a response topic was not run: " + jobs);
            assertEquals(1, inbox.on("/reply/retainer").size(), "a 40 kB property never reached the daemon (the broker caps packets)");
        } finally {
            new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-u", "operator",
                    "-P", users.get("operator"), "-r", "-n", "-t", cmd).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSigkilledDaemonIsAnnouncedOfflineByItsRetainedWill() throws Exception {
        Path cfg = config("killed");
        try (Inbox inbox = new Inbox("test-monitor-will", false)) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "daemon", "--daemon-config", cfg.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("killed.log").toFile()).start();
            try {
                inbox.await("/birth", l -> !l.isEmpty(), 60);
                String session = inbox.on("/birth").get(inbox.on("/birth").size() - 1).body().get("session").asText();
                inbox.await("/status", l -> l.stream().anyMatch(m -> is(m, "online", session)), 30);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                inbox.await("/status", l -> l.stream().anyMatch(m -> is(m, "offline", session)), 30);
                JsonNode down = inbox.on("/status").stream().filter(m -> is(m, "offline", session)).findFirst().orElseThrow().body();
                assertEquals("connection lost", down.get("reason").asText(), "the Will names the session that died: " + down);
                try (Inbox late = new Inbox("test-monitor-late", false)) {
                    late.await("/status", l -> !l.isEmpty(), 30);
                    assertTrue(is(late.on("/status").get(0), "offline", session), "the offline status is retained");
                }
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
