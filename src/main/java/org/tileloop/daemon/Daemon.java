package org.tileloop.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.calibration.CalibrationStore;
import org.tileloop.dashboard.Dashboard;
import org.tileloop.dashboard.DashboardOptions;
import org.tileloop.input.BadInputException;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.run.TrainingRun;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.DaemonBroker;
import org.tileloop.telemetry.HostTelemetry;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.TelemetrySession;
import org.tileloop.telemetry.Topics;

/**
 * Owns the rigs of one host: runs jobs one at a time per rig and concurrently across rigs,
 * publishes telemetry and answers commands over MQTT (see README, "Daemon and telemetry").
 * Commands arrive only through the broker, whose ACL admits only operators to the command
 * topic; every payload is validated ({@link Commands}) before anything runs ({@link JobRunner}).
 * This class starts and stops the parts and wires them together.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** How long the constructor waits for the broker to acknowledge the command subscription. */
    static final long READY_TIMEOUT_MS = 30_000;

    private final String host;
    private final Map<String, RigFile> rigs;
    private final Map<String, String> rigStates = new ConcurrentHashMap<>();
    private final DaemonBroker broker;
    private final TelemetrySession session;
    private final JobRunner jobs;
    private final JobStore jobStore;
    private final Commands commands;
    private final org.tileloop.dashboard.Dashboard dashboard;
    private final org.tileloop.fleet.FleetWorker worker;

    /**
     * Starts the daemon: loads the rigs, brings up the local broker when none is configured,
     * connects and subscribes to the command topic, and returns once the broker has acknowledged
     * that subscription (at most {@link #READY_TIMEOUT_MS}; after that it keeps retrying in the
     * background), so a command sent after it returns is answered. A local broker's
     * {@code broker.json} is written only then.
     *
     * @param configDir what the config's relative paths are relative to
     * @param home the tileloop checkout ({@code rigs/*.yaml} when the config lists no rigs)
     */
    public Daemon(DaemonConfig cfg, Path configDir, Path home, TrainingRun.Build build) throws IOException {
        this.host = cfg.host != null ? cfg.host : Topics.sanitizeHost(InetAddress.getLocalHost().getHostName());
        if (!Topics.HOST.matcher(host).matches()) {
            throw new RigConfigurationException("daemon config: host: '" + host + "' must match [a-z0-9][a-z0-9-]{0,62}");
        }
        Path runsDir = configDir.resolve(cfg.runsDir);
        Path stateDir = configDir.resolve(cfg.stateDir);
        if (stateDir.normalize().equals(runsDir.normalize())) {
            throw new RigConfigurationException("daemon config: state_dir: must differ from runs_dir (" + cfg.runsDir + ")");
        }
        for (String dir : List.of(cfg.runsDir, cfg.calibrationDir, cfg.stateDir)) {
            Path p = configDir.resolve(dir);
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new RigConfigurationException("daemon config: " + p + " is not a directory");
            }
        }
        DashboardOptions dashboardOptions = dashboardOptions(cfg.dashboard, configDir, runsDir);
        CalibrationStore store = new CalibrationStore(configDir.resolve(cfg.calibrationDir));
        this.rigs = loadRigs(cfg, configDir, home);
        rigs.keySet().forEach(id -> rigStates.put(id, "idle"));
        this.broker = broker(cfg, configDir, stateDir);
        try {
            this.session = Telemetry.connect(broker.settings(), host, () -> birth(build.version()));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        this.jobStore = new JobStore(stateDir);
        Leases leases = new Leases(java.time.Clock.systemUTC());
        this.jobs = new JobRunner(rigs, runsDir, store, build, session, rigStates, jobStore, leases, opener(cfg.fleet, broker.settings()));
        this.commands = new Commands(host, rigs, jobs, session, leases);
        jobs.restore(!"report".equals(cfg.onRestart));
        session.onCommand(commands::onMessage);
        if (!session.awaitReady(READY_TIMEOUT_MS)) {
            LOG.warn("not connected to MQTT broker {} after {} s; commands are answered once it is", broker.settings().url(),
                    READY_TIMEOUT_MS / 1000);
        }
        jobs.publishStates();
        broker.announce(host);
        this.dashboard = dashboardOptions == null ? null : startDashboard(dashboardOptions);
        try {
            this.worker = cfg.fleet == null || cfg.fleet.workerSlots == 0 ? null
                    : new org.tileloop.fleet.FleetWorker(broker.settings(), host.substring(0, Math.min(host.length(), 56)) + "-daemon",
                            cfg.fleet.workerSlots, Files.createDirectories(stateDir.resolve("fleet-cache")),
                            org.tileloop.rig.spice.Ngspice.locate(), null);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** How jobs open their rigs: simulated ones on the fleet when {@code fleet.dispatch}; bench rigs never leave this host. */
    private static org.tileloop.rig.file.RigOpener opener(DaemonConfig.Fleet fleet, BrokerSettings broker) {
        if (fleet == null || !fleet.dispatch) {
            return org.tileloop.rig.file.RigOpener.LOCAL;
        }
        org.tileloop.fleet.FleetSettings settings = org.tileloop.fleet.FleetSettings.of(broker);
        return file -> file.description().kind() == org.tileloop.rig.RigKind.SIMULATED
                ? org.tileloop.fleet.FleetRig.open(file, settings) : org.tileloop.rig.file.RigOpener.LOCAL.open(file);
    }

    /** The configured dashboard's options, checked before anything starts; null when none is configured. */
    private static DashboardOptions dashboardOptions(DaemonConfig.Dashboard d, Path configDir, Path runsDir) {
        if (d == null) {
            return null;
        }
        try {
            return DashboardOptions.of(d.bind, d.port, d.tokenFile == null ? null : configDir.resolve(d.tokenFile), runsDir,
                    "dashboard.bind", "dashboard.port", "dashboard.token_file");
        } catch (BadInputException e) {
            throw new RigConfigurationException("daemon config: " + e.getMessage(), e);
        }
    }

    /**
     * The dashboard for this daemon's broker and runs, connected with the daemon's own credentials
     * (they read every telemetry topic); null when the broker cannot be reached (a warning says
     * so; the daemon runs on).
     */
    private Dashboard startDashboard(DashboardOptions options) {
        try {
            return Dashboard.start(options, broker.settings(), "tileloop-dashboard-" + host, null);
        } catch (BadInputException e) {
            close();
            throw new RigConfigurationException("daemon config: " + e.getMessage(), e);
        } catch (RigUnavailableException e) {
            LOG.warn("dashboard not started: {}", e.getMessage());
            return null;
        }
    }

    /** The rig files the config lists, or every {@code rigs/*.yaml} of {@code home}, by rig id. */
    private static Map<String, RigFile> loadRigs(DaemonConfig cfg, Path configDir, Path home) throws IOException {
        List<Path> files = new ArrayList<>();
        if (cfg.rigs.isEmpty()) {
            try (Stream<Path> s = Files.list(home.resolve("rigs"))) {
                s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        } else {
            cfg.rigs.forEach(r -> files.add(configDir.resolve(r)));
        }
        Map<String, RigFile> rigs = new LinkedHashMap<>();
        for (Path f : files) {
            RigFile rf = RigFileLoader.load(f);
            if (rigs.put(rf.description().id(), rf) != null) {
                throw new RigConfigurationException(f + ": rig id " + rf.description().id() + " is used by two rig files");
            }
        }
        return java.util.Collections.unmodifiableMap(rigs);
    }

    /** The configured broker, or a local mosquitto under {@code stateDir} when none is configured. */
    private static DaemonBroker broker(DaemonConfig cfg, Path configDir, Path stateDir) throws IOException {
        if (cfg.broker == null || cfg.broker.url == null) {
            return Telemetry.localBroker(stateDir);
        }
        try {
            return Telemetry.configuredBroker(cfg.broker.url, cfg.broker.username,
                    cfg.broker.passwordFile == null ? null : configDir.resolve(cfg.broker.passwordFile),
                    cfg.broker.caFile == null ? null : configDir.resolve(cfg.broker.caFile));
        } catch (BadInputException e) {
            throw new RigConfigurationException("daemon config: " + e.getMessage(), e);
        }
    }

    private ObjectNode birth(String version) {
        return HostTelemetry.birth(host, version, rigs.values().stream().map(RigFile::description).toList(),
                id -> rigStates.get(id));
    }

    public String host() {
        return host;
    }

    /** How the daemon reaches its broker. */
    public BrokerSettings broker() {
        return broker.settings();
    }

    /** The port of the local broker the daemon supervises; empty with a configured broker. */
    public OptionalInt localBrokerPort() {
        return broker.localPort();
    }

    /**
     * Validates and executes one command payload as if it arrived on {@code topic} (the path of a
     * live MQTT command after its retained check); returns the reply.
     *
     * @throws CommandException with the one-line reason; nothing was queued or changed
     */
    public ObjectNode handle(String topic, byte[] payload) {
        return commands.handle(topic, payload);
    }

    /** The dashboard's address; empty when the config has no {@code dashboard}. */
    public Optional<URI> dashboardUrl() {
        return dashboard == null ? Optional.empty() : Optional.of(dashboard.url());
    }

    /** Chunks this daemon's fleet worker slots measured, for tests. */
    long fleetChunksMeasured() {
        return worker == null ? 0 : worker.chunksMeasured();
    }

    /** Jobs known to the daemon, for tests. */
    List<Job> jobs() {
        return jobs.jobs();
    }

    /**
     * Stops: running jobs finish their current iteration and record their manifests, queued jobs
     * are dropped, death is published, the local broker stops.
     */
    @Override
    public void close() {
        if (dashboard != null) {
            dashboard.close();
        }
        jobs.shutdown();
        if (worker != null) {
            worker.close();
        }
        session.close("shutdown");
        broker.close();
        try {
            jobStore.close();
        } catch (IOException e) {
            LOG.warn("closing {}: {}", JobStore.FILE, e.getMessage());
        }
    }
}
