package org.tileloop.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.calibration.CalibratedRigs;
import org.tileloop.calibration.CalibrationRecord;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.calibration.Calibrator;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.run.RunListener;
import org.tileloop.run.RunStatus;
import org.tileloop.run.RunStop;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Topics;
import org.tileloop.telemetry.internal.MosquittoBroker;
import org.tileloop.telemetry.internal.PahoSession;
import org.tileloop.train.Iteration;
import org.tileloop.train.LossTerms;
import org.tileloop.train.Trace;

/**
 * Owns the rigs of one host: runs jobs one at a time per rig and concurrently across rigs,
 * publishes telemetry and answers commands over MQTT (see README, "Daemon and telemetry").
 * Commands arrive only through the broker, whose ACL admits only operators to the command
 * topic; every payload is validated here before anything runs.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_COMMAND_BYTES = 16 * 1024;
    private static final Set<String> COMMANDS = Set.of("submit", "jobs", "cancel", "pause", "resume");
    private static final Set<String> KINDS = Set.of("train", "calibrate", "measure");

    private final String host;
    private final Path home;
    private final Path runsDir;
    private final CalibrationStore store;
    private final TrainingRun.Build build;
    private final Map<String, RigFile> rigs = new LinkedHashMap<>();
    private final Map<String, ExecutorService> executors = new LinkedHashMap<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, String> rigStates = new LinkedHashMap<>();
    private final AtomicInteger jobCounter = new AtomicInteger();
    private final MosquittoBroker localBroker;
    private final BrokerSettings broker;
    private final PahoSession session;

    /**
     * Starts the daemon: loads the rigs, brings up the local broker when none is configured,
     * connects and subscribes to the command topic, and returns once the broker has acknowledged
     * that subscription (at most {@link #READY_TIMEOUT_MS}; after that it keeps retrying in the
     * background), so a command sent after it returns is answered. A local broker's
     * {@code broker.json} is written only then.
     */
    public Daemon(DaemonConfig cfg, Path configDir, Path home, TrainingRun.Build build) throws IOException {
        this.home = home;
        this.build = build;
        this.host = cfg.host != null ? cfg.host : Topics.sanitizeHost(InetAddress.getLocalHost().getHostName());
        if (!Topics.HOST.matcher(host).matches()) {
            throw new RigConfigurationException("daemon config: host: '" + host + "' must match [a-z0-9][a-z0-9-]{0,62}");
        }
        this.runsDir = configDir.resolve(cfg.runsDir);
        if (configDir.resolve(cfg.stateDir).normalize().equals(configDir.resolve(cfg.runsDir).normalize())) {
            throw new RigConfigurationException("daemon config: state_dir: must differ from runs_dir (" + cfg.runsDir + ")");
        }
        for (String dir : List.of(cfg.runsDir, cfg.calibrationDir, cfg.stateDir)) {
            Path p = configDir.resolve(dir);
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new RigConfigurationException("daemon config: " + p + " is not a directory");
            }
        }
        this.store = new CalibrationStore(configDir.resolve(cfg.calibrationDir));
        List<Path> rigFiles = new ArrayList<>();
        if (cfg.rigs.isEmpty()) {
            try (Stream<Path> s = Files.list(home.resolve("rigs"))) {
                s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(rigFiles::add);
            }
        } else {
            cfg.rigs.forEach(r -> rigFiles.add(configDir.resolve(r)));
        }
        for (Path f : rigFiles) {
            RigFile rf = RigFileLoader.load(f);
            if (rigs.put(rf.description().id(), rf) != null) {
                throw new RigConfigurationException(f + ": rig id " + rf.description().id() + " is used by two rig files");
            }
            executors.put(rf.description().id(), Executors.newSingleThreadExecutor(r -> new Thread(r, "rig-" + rf.description().id())));
            rigStates.put(rf.description().id(), "idle");
        }
        Path stateDir = configDir.resolve(cfg.stateDir);
        ObjectNode creds = null;
        if (cfg.broker == null || cfg.broker.url == null) {
            Map<String, String> users = MosquittoBroker.generatedUsers();
            localBroker = MosquittoBroker.start(stateDir.resolve("broker"), 0, true, users);
            broker = new BrokerSettings(localBroker.url(), Optional.of("daemon"), Optional.of(users.get("daemon").toCharArray()), Optional.empty());
            creds = JSON.createObjectNode();
            creds.put("url", localBroker.url());
            creds.put("host", host);
            creds.put("operator_user", "operator");
            creds.put("operator_password", users.get("operator"));
            creds.put("monitor_user", "monitor");
            creds.put("monitor_password", users.get("monitor"));
        } else {
            localBroker = null;
            Optional<char[]> password = Optional.empty();
            if (cfg.broker.passwordFile != null) {
                Path pw = configDir.resolve(cfg.broker.passwordFile);
                try {
                    String text = StrictInput.readText(pw, "password file").strip();
                    StrictInput.requirePrintable(pw.toString(), "password", text, "value");
                    if (text.isEmpty()) {
                        throw new BadInputException(pw + ": password file is empty");
                    }
                    password = Optional.of(text.toCharArray());
                } catch (BadInputException e) {
                    throw new RigConfigurationException("daemon config: broker.password_file: " + e.getMessage(), e);
                }
            }
            try {
                broker = new BrokerSettings(cfg.broker.url, Optional.ofNullable(cfg.broker.username), password,
                        Optional.ofNullable(cfg.broker.caFile).map(configDir::resolve));
                PahoSession.connectionOptions(broker);
            } catch (BadInputException e) {
                throw new RigConfigurationException("daemon config: " + (e.getMessage().startsWith("broker URL") ? "broker.url: "
                        : "broker.ca_file: ") + e.getMessage(), e);
            }
        }
        session = new PahoSession(broker, host, "tileloop-daemon-" + host, this::birth);
        session.subscribe(Topics.commands(host), this::onCommand);
        if (!session.awaitReady(READY_TIMEOUT_MS)) {
            LOG.warn("not connected to MQTT broker {} after {} s; commands are answered once it is", broker.url(), READY_TIMEOUT_MS / 1000);
        }
        rigs.keySet().forEach(r -> publishState(r, "idle", null));
        if (creds != null) {
            Path f = stateDir.resolve("broker.json");
            Files.deleteIfExists(f);
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(creds));
        }
    }

    /** How long the constructor waits for the broker to acknowledge the command subscription. */
    static final long READY_TIMEOUT_MS = 30_000;

    public String host() {
        return host;
    }

    public BrokerSettings broker() {
        return broker;
    }

    public Optional<MosquittoBroker> localBroker() {
        return Optional.ofNullable(localBroker);
    }

    private ObjectNode birth() {
        ObjectNode b = JSON.createObjectNode();
        b.put("host", host);
        b.put("tileloop_version", build.version());
        ArrayNode rs = b.putArray("rigs");
        for (RigFile rf : rigs.values()) {
            ObjectNode r = rs.addObject();
            r.put("id", rf.description().id());
            r.put("kind", rf.description().kind().name().toLowerCase(java.util.Locale.ROOT));
            r.put("description", rf.description().description());
            rf.description().channels().forEach(c -> r.withArray("channels").add(c.name()));
            for (ParameterSpec p : rf.description().parameters()) {
                ObjectNode pn = r.withArray("parameters").addObject();
                pn.put("name", p.name());
                pn.put("unit", p.unit());
                pn.put("min", p.min());
                pn.put("max", p.max());
            }
            synchronized (this) {
                r.put("state", rigStates.get(rf.description().id()));
            }
        }
        ArrayNode metrics = b.putArray("metrics");
        for (String[] m : new String[][] {{"loss_train", "ns^2"}, {"loss_holdout", "ns^2"}, {"timing", "ns^2"}, {"missing", "1"},
                {"count", "1"}, {"order", "ns^2"}, {"energy", "1"}, {"first_spike_ns", "ns"}, {"first_spike_raw_ns", "ns"},
                {"drift_ps", "ps"}, {"measurements", "1"}, {"parameters", "rig units"}}) {
            ObjectNode mn = metrics.addObject();
            mn.put("name", m[0]);
            mn.put("unit", m[1]);
        }
        return b;
    }

    private synchronized void publishState(String rig, String state, Job job) {
        rigStates.put(rig, state);
        ObjectNode s = JSON.createObjectNode();
        s.put("rig", rig);
        s.put("state", state);
        s.put("job", job == null ? null : job.id);
        s.put("since", Instant.now().toString());
        session.publish("rig/" + rig + "/state", s, true);
    }

    private void onCommand(String topic, MqttMessage m) {
        var props = m.getProperties();
        String replyTo = props == null ? null : props.getResponseTopic();
        byte[] correlation = props == null || props.getCorrelationData() == null ? new byte[0] : props.getCorrelationData();
        if (correlation.length > PahoSession.MAX_CORRELATION_BYTES) {
            LOG.warn("{}: command refused without running it: correlation data of {} bytes (at most {})", topic, correlation.length,
                    PahoSession.MAX_CORRELATION_BYTES);
            return;
        }
        if (replyTo == null || !Topics.replyPattern(host).matcher(replyTo).matches()) {
            LOG.warn("{}: command refused without running it: no valid response topic (want {}/reply/<client id>)", topic,
                    Topics.host(host));
            return;
        }
        ObjectNode reply;
        try {
            if (m.isRetained()) {
                throw new CommandException(topic + ": retained command refused (commands run once, when sent; clear it with: "
                        + "mosquitto_pub -r -n -t " + topic + ")");
            }
            reply = handle(topic, m.getPayload());
        } catch (RigConfigurationException | BadInputException e) {
            reply = JSON.createObjectNode();
            reply.put("ok", false);
            reply.put("error", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("command failed", e);
            reply = JSON.createObjectNode();
            reply.put("ok", false);
            reply.put("error", "internal error: " + e.getMessage());
        }
        session.reply(replyTo, correlation, reply);
    }

    /** A command refused, with its one-line reason (sent back as the reply's {@code error}). */
    public static final class CommandException extends BadInputException {
        CommandException(String message) {
            super(message);
        }
    }

    /**
     * Validates and executes one command payload as if it arrived on {@code topic} (the path of a
     * live MQTT command after its retained check); returns the reply.
     *
     * @throws CommandException with the one-line reason; nothing was queued or changed
     */
    public synchronized ObjectNode handle(String topic, byte[] payload) {
        try {
            return execute(topic, payload);
        } catch (CommandException e) {
            throw e.getMessage().startsWith(topic + ": ") ? e : new CommandException(topic + ": " + e.getMessage());
        }
    }

    private ObjectNode execute(String topic, byte[] payload) {
        JsonNode root;
        try {
            root = StrictInput.json(payload, MAX_COMMAND_BYTES, topic);
        } catch (BadInputException e) {
            throw new CommandException(e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CommandException("a command is a JSON object with \"command\": one of " + COMMANDS);
        }
        String command = text(root, "command");
        if (!COMMANDS.contains(command)) {
            throw new CommandException("command: '" + printable(command) + "' is not one of " + COMMANDS);
        }
        if (root.has("schema") && !(root.get("schema").isIntegralNumber() && root.get("schema").asLong() == Topics.SCHEMA)) {
            throw new CommandException("schema: '" + printable(root.get("schema").toString()) + "' is not " + Topics.SCHEMA
                    + " (the command schema this daemon speaks)");
        }
        ObjectNode reply = JSON.createObjectNode();
        reply.put("ok", true);
        switch (command) {
            case "jobs" -> {
                allowed(root, Set.of("command", "schema"));
                ArrayNode list = reply.putArray("jobs");
                jobs.values().forEach(j -> list.add(j.summary(JSON)));
            }
            case "submit" -> reply.set("job", submit(root).toJson(JSON));
            case "cancel", "pause", "resume" -> {
                allowed(root, Set.of("command", "schema", "job"));
                Job j = jobs.get(text(root, "job"));
                if (j == null) {
                    throw new CommandException("job: no job '" + printable(text(root, "job")) + "'");
                }
                reply.set("job", control(command, j).toJson(JSON));
            }
            default -> throw new IllegalStateException(command);
        }
        return reply;
    }

    private Job submit(JsonNode root) {
        String kind = root.has("kind") ? text(root, "kind") : "train";
        if (!KINDS.contains(kind)) {
            throw new CommandException("kind: '" + printable(kind) + "' is not one of " + KINDS);
        }
        Set<String> keys = switch (kind) {
            case "train" -> Set.of("command", "schema", "rig", "kind", "iterations", "seed", "config", "allow_uncalibrated");
            case "measure" -> Set.of("command", "schema", "rig", "kind", "delays_ns", "set");
            default -> Set.of("command", "schema", "rig", "kind");
        };
        allowed(root, keys);
        String rig = text(root, "rig");
        RigFile rf = rigs.get(rig);
        if (rf == null) {
            throw new CommandException("rig: '" + printable(rig) + "' is not a rig of host " + host + " (has " + rigs.keySet() + ")");
        }
        ObjectNode spec = JSON.createObjectNode();
        spec.put("kind", kind);
        if (kind.equals("train")) {
            if (root.has("iterations")) {
                spec.put("iterations", integer(root, "iterations", 1, 100_000));
            }
            if (root.has("seed")) {
                spec.put("seed", integer(root, "seed", 0, Long.MAX_VALUE));
            }
            if (root.has("config")) {
                String name = text(root, "config");
                if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                    throw new CommandException("config: '" + printable(name) + "' is not a training config name (rigs/training/<name>.yaml)");
                }
                Path f = rf.path().toAbsolutePath().getParent().resolve("training").resolve(name + ".yaml");
                if (!Files.isRegularFile(f)) {
                    throw new CommandException("config: no training config " + f);
                }
                spec.put("config", name);
            }
            if (root.has("allow_uncalibrated")) {
                if (!root.get("allow_uncalibrated").isBoolean()) {
                    throw new CommandException("allow_uncalibrated: must be true or false");
                }
                spec.put("allow_uncalibrated", root.get("allow_uncalibrated").asBoolean());
            }
        } else if (kind.equals("measure")) {
            JsonNode delays = root.get("delays_ns");
            if (delays == null || !delays.isArray() || delays.isEmpty() || delays.size() > 64) {
                throw new CommandException("delays_ns: 1 to 64 numbers (ns)");
            }
            ArrayNode d = spec.putArray("delays_ns");
            double windowNs = rf.simulator().map(x -> x.tstopNs())
                    .or(() -> rf.digital().map(x -> x.tstopNs())).orElse(1000.0);
            for (JsonNode x : delays) {
                if (!x.isNumber() || !Double.isFinite(x.asDouble()) || x.asDouble() < 0 || x.asDouble() > windowNs) {
                    throw new CommandException("delays_ns: '" + printable(x.toString()) + "' is not a delay in [0, "
                            + org.tileloop.rig.Numbers.plain(windowNs) + "] ns (the window of rig " + rig + ")");
                }
                d.add(x.asDouble());
            }
            Map<String, Double> set = new LinkedHashMap<>();
            JsonNode s = root.get("set");
            if (s != null) {
                if (!s.isObject() || s.size() > 32) {
                    throw new CommandException("set: an object of at most 32 parameter: number pairs");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().asDouble())) {
                        throw new CommandException("set." + printable(e.getKey()) + ": must be a finite number");
                    }
                    set.put(e.getKey(), e.getValue().asDouble());
                }
            }
            try {
                rf.description().withOverrides(set);
            } catch (RigConfigurationException e) {
                throw new CommandException("set: " + e.getMessage());
            }
            spec.set("set", JSON.valueToTree(set));
        }
        Job j = new Job("j" + jobCounter.incrementAndGet(), rig, kind, spec);
        enqueue(j);
        return j;
    }

    private void enqueue(Job j) {
        jobs.put(j.id, j);
        executors.get(j.rig).submit(() -> execute(j));
    }

    private Job control(String command, Job j) {
        switch (command) {
            case "cancel" -> {
                if (j.state() == Job.State.QUEUED) {
                    j.state(Job.State.CANCELLED, "cancelled before it started");
                } else if (j.state() == Job.State.RUNNING) {
                    j.stop.set(true);
                } else {
                    throw new CommandException("job " + j.id + " is " + j.state().name().toLowerCase(java.util.Locale.ROOT) + "; nothing to cancel");
                }
            }
            case "pause" -> {
                if (j.state() != Job.State.RUNNING || !j.kind.equals("train")) {
                    throw new CommandException("only a running train job can be paused; " + j.id + " is a "
                            + j.state().name().toLowerCase(java.util.Locale.ROOT) + " " + j.kind + " job");
                }
                j.requestPause();
            }
            case "resume" -> {
                if (j.state() != Job.State.PAUSED || j.runDir() == null) {
                    throw new CommandException("only a paused train job can be resumed; " + j.id + " is "
                            + j.state().name().toLowerCase(java.util.Locale.ROOT));
                }
                ObjectNode spec = JSON.createObjectNode();
                spec.put("kind", "train");
                spec.put("resume", j.runDir());
                Job r = new Job("j" + jobCounter.incrementAndGet(), j.rig, "train", spec);
                enqueue(r);
                return r;
            }
            default -> throw new IllegalStateException(command);
        }
        return j;
    }

    private void execute(Job j) {
        if (j.state() != Job.State.QUEUED) {
            return;
        }
        j.state(Job.State.RUNNING, null);
        session.publish("birth", birth(), false);
        publishState(j.rig, "running", j);
        String end = "idle";
        try {
            switch (j.kind) {
                case "train" -> end = train(j);
                case "calibrate" -> calibrate(j);
                case "measure" -> measure(j);
                default -> throw new IllegalStateException(j.kind);
            }
        } catch (RuntimeException | IOException e) {
            LOG.warn("job {} on {} failed: {}", j.id, j.rig, e.getMessage());
            j.state(Job.State.FAILED, e.getMessage());
            end = "faulted";
        }
        publishState(j.rig, end, j.state() == Job.State.PAUSED || end.equals("faulted") ? j : null);
    }

    private String train(Job j) throws IOException {
        RigFile rf = rigs.get(j.rig);
        TrainingRun run;
        String cmd = "tileloop daemon job " + j.id + " " + j.spec;
        if (j.spec.has("resume")) {
            run = TrainingRun.resume(Path.of(j.spec.get("resume").asText()), runsDir, cmd, build);
        } else {
            Path config = j.spec.has("config")
                    ? rf.path().toAbsolutePath().getParent().resolve("training").resolve(j.spec.get("config").asText() + ".yaml") : null;
            run = TrainingRun.create(rf.path(), config, j.spec.has("iterations") ? j.spec.get("iterations").asInt() : null,
                    j.spec.has("seed") ? j.spec.get("seed").asLong() : null, runsDir, store,
                    j.spec.path("allow_uncalibrated").asBoolean(false), cmd, build);
        }
        j.runDir(run.runDir().toAbsolutePath().toString());
        StringWriter notices = new StringWriter();
        TrainingRun.Result r = run.execute(List.of(new Telemetry(j, run.runDir().getFileName().toString())),
                () -> j.stop.get() ? Optional.of(j.pauseRequested() ? RunStatus.PAUSED : RunStatus.ABORTED) : Optional.empty(),
                new PrintWriter(notices, true));
        if (!notices.toString().isBlank()) {
            LOG.warn("job {}: {}", j.id, notices.toString().strip());
        }
        String reason = r.stop().reason();
        switch (r.stop().status()) {
            case COMPLETED -> j.state(Job.State.COMPLETED, reason);
            case PAUSED -> j.state(Job.State.PAUSED, reason);
            default -> j.state(Job.State.ABORTED, reason);
        }
        return j.state() == Job.State.PAUSED ? "paused" : "idle";
    }

    private void calibrate(Job j) throws IOException {
        RigFile rf = rigs.get(j.rig);
        try (Rig rig = CalibratedRigs.open(rf, store)) {
            rig.useCalibration(org.tileloop.rig.IdentityCalibration.INSTANCE);
            CalibrationRecord r = Calibrator.run(rig, rf.calibration(), store.newId(j.rig, Instant.now()), build.version(), n -> { });
            ObjectNode result = JSON.createObjectNode();
            result.put("calibration_id", r.id());
            result.put("report", Calibrator.report(r));
            result.put("accepted", r.accepted());
            j.result(result);
            if (!r.accepted()) {
                j.state(Job.State.FAILED, "calibration rejected: a residual exceeds max_residual_ps");
                return;
            }
            store.save(r);
            j.state(Job.State.COMPLETED, "calibration " + r.id());
        }
    }

    private void measure(Job j) {
        RigFile rf = rigs.get(j.rig);
        Map<String, Double> set = new LinkedHashMap<>();
        j.spec.get("set").fields().forEachRemaining(e -> set.put(e.getKey(), e.getValue().asDouble()));
        try (Rig rig = CalibratedRigs.open(rf, store)) {
            ParameterVector v = rig.description().withOverrides(set);
            List<Stimulus> stimuli = new ArrayList<>();
            j.spec.get("delays_ns").forEach(d -> stimuli.add(Stimulus.delay(rig.description(), d.asDouble())));
            List<StimulusResult> results = rig.measure(v, stimuli);
            ArrayNode out = JSON.createArrayNode();
            for (StimulusResult r : results) {
                ObjectNode t = timing(j, null, -1, null, r);
                session.publish("rig/" + j.rig + "/timing", t, false);
                out.add(t);
            }
            ObjectNode result = JSON.createObjectNode();
            result.set("measurements", out);
            j.result(result);
            j.state(Job.State.COMPLETED, results.size() + " stimuli measured");
        }
    }

    private static ObjectNode timing(Job j, String runId, int iteration, Trace trace, StimulusResult r) {
        ObjectNode t = JSON.createObjectNode();
        t.put("job", j.id);
        if (runId != null) {
            t.put("run_id", runId);
            t.put("iteration", iteration);
        }
        if (trace != null) {
            t.put("split", trace.split());
        }
        t.put("delay_ns", r.stimulus().delayNs());
        t.set("input_delays_ns", JSON.valueToTree(r.stimulus().inputDelaysNs()));
        if (r.energyPj().isPresent()) {
            t.put("energy_pj", r.energyPj().getAsDouble());
        }
        ArrayNode chans = t.putArray("channels");
        for (int c = 0; c < r.channels().size(); c++) {
            ChannelResult ch = r.channels().get(c);
            ObjectNode cn = chans.addObject();
            cn.put("name", ch.name());
            var first = ch.firstSpike();
            if (first.isPresent()) {
                cn.put("first_spike_raw_ns", first.get().rawNs());
                cn.put("first_spike_ns", first.get().calibratedNs());
                cn.put("calibration_id", first.get().calibrationId());
            } else {
                cn.putNull("first_spike_ns");
            }
            cn.put("spike_count", ch.spikeCount().isPresent() ? ch.spikeCount().getAsInt() : null);
            if (trace != null && trace.targetsNs().get(c).isPresent()) {
                cn.put("target_ns", trace.targetsNs().get(c).getAsDouble());
            }
        }
        return t;
    }

    /** Publishes a training run's documents and events. */
    private final class Telemetry implements RunListener {
        private final Job job;
        private final String runId;

        Telemetry(Job job, String runId) {
            this.job = job;
            this.runId = runId;
        }

        @Override
        public void started(ObjectNode manifest) {
            ObjectNode e = JSON.createObjectNode();
            e.put("event", "start");
            e.put("job", job.id);
            e.put("run_id", runId);
            e.set("manifest", manifest);
            session.publish("rig/" + job.rig + "/run", e, false);
        }

        @Override
        public void stopped(RunStop stop, ObjectNode manifest) {
            ObjectNode e = JSON.createObjectNode();
            e.put("event", "stop");
            e.put("job", job.id);
            e.put("run_id", runId);
            e.put("status", manifest.path("status").asText());
            e.put("reason", manifest.path("reason").asText());
            e.set("manifest", manifest);
            session.publish("rig/" + job.rig + "/run", e, false);
        }

        @Override
        public void iteration(Iteration r) {
            ObjectNode m = JSON.createObjectNode();
            m.put("job", job.id);
            m.put("run_id", runId);
            m.put("time", r.time().toString());
            m.put("iteration", r.index());
            m.put("iterations", r.iterations());
            m.put("measurements", r.measurements());
            m.put("loss_train", r.train().total());
            if (r.holdout().isPresent()) {
                m.put("loss_holdout", r.holdout().get().total());
            } else {
                m.putNull("loss_holdout");
            }
            m.set("terms_train", terms(r.train()));
            m.set("terms_holdout", r.holdout().isEmpty() ? JSON.nullNode() : terms(r.holdout().get()));
            ObjectNode pct = m.putObject("pct");
            double[] p = r.train().percentages();
            for (int i = 0; i < p.length; i++) {
                pct.put(LossTerms.NAMES.get(i), p[i]);
            }
            ObjectNode params = m.putObject("parameters");
            ObjectNode gradient = m.putObject("gradient");
            ObjectNode step = m.putObject("step");
            for (Iteration.ParameterUpdate u : r.parameters()) {
                params.put(u.name(), u.value());
                gradient.put(u.name(), u.gradient());
                step.put(u.name(), u.step());
            }
            if (r.driftPs().isEmpty()) {
                m.putNull("drift_ps");
            } else {
                m.put("drift_ps", r.driftPs().getAsDouble());
            }
            m.put("calibration_id", r.calibrationId());
            session.publish("rig/" + job.rig + "/iteration", m, false);
            for (Iteration.Measured t : r.traces()) {
                session.publish("rig/" + job.rig + "/timing", timing(job, runId, r.index(), t.trace(), t.result()), false);
            }
        }

        private ObjectNode terms(LossTerms t) {
            ObjectNode n = JSON.createObjectNode();
            double[] v = t.values();
            for (int i = 0; i < v.length; i++) {
                n.put(LossTerms.NAMES.get(i), v[i]);
            }
            return n;
        }
    }

    private static String text(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || !v.isTextual() || v.asText().length() > 256) {
            throw new CommandException(key + ": required, a string of at most 256 characters");
        }
        return v.asText();
    }

    private static long integer(JsonNode root, String key, long min, long max) {
        JsonNode v = root.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new CommandException(key + ": " + printable(v.toString()) + " is not an integer in [" + min + ", " + max + "]");
        }
        return v.asLong();
    }

    private static void allowed(JsonNode root, Set<String> keys) {
        root.fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                throw new CommandException("unknown key '" + printable(k) + "' (allowed: " + keys + ")");
            }
        });
        if (root.has("schema") && root.get("schema").asInt(-1) != Topics.SCHEMA) {
            throw new CommandException("schema: this daemon speaks schema " + Topics.SCHEMA);
        }
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 64 ? p.substring(0, 64) + "…" : p;
    }

    /** Jobs known to the daemon, for tests. */
    synchronized List<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    /**
     * Stops: running jobs finish their current iteration and record their manifests, queued jobs
     * are dropped, rigs are published idle, death is published, the local broker stops.
     */
    @Override
    public void close() {
        synchronized (this) {
            for (Job j : jobs.values()) {
                if (j.state() == Job.State.QUEUED) {
                    j.state(Job.State.CANCELLED, "daemon shut down");
                }
                j.stop.set(true);
            }
        }
        for (ExecutorService e : executors.values()) {
            e.shutdown();
        }
        for (ExecutorService e : executors.values()) {
            try {
                e.awaitTermination(10, TimeUnit.MINUTES);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        session.close("shutdown");
        if (localBroker != null) {
            localBroker.close();
        }
    }
}
