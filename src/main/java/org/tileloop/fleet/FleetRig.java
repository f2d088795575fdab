package org.tileloop.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.rig.AbstractRig;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigException;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.spice.SpiceProbes;
import org.tileloop.rig.spice.SpiceSettings;
import org.tileloop.telemetry.Bus;
import org.tileloop.telemetry.BusMessage;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;

/**
 * A simulated rig measured by the fleet's workers: each batch is cut into chunks that idle workers
 * ask for (MQTT 5 request/response on the fleet's broker, see README, "Fleet"). The rig file and
 * netlist travel by content hash; a chunk carries each probe's occurrence in the whole batch, so
 * every result is the one a local {@code SpiceRig} gives, whichever worker measured it and however
 * often it was issued. Times come back raw and are calibrated here.
 *
 * <p>Threading: {@link #measure} runs one batch at a time (callers are serialised); the broker's
 * callback thread and a 200 ms timer update the {@link ChunkTable}.
 */
public final class FleetRig extends AbstractRig {

    private static final Logger LOG = LoggerFactory.getLogger(FleetRig.class);

    private final RigDescription description;
    private final SpiceSettings settings;
    private final SpiceProbes probes;
    private final String job;
    private final Map<String, byte[]> blobs = new LinkedHashMap<>();
    private final String netlistSha256;
    private final ChunkTable table;
    private final Bus bus;
    private final ScheduledExecutorService timer;
    private final AtomicLong referenceCount = new AtomicLong();
    private final String fleetUrl;
    private volatile boolean closed;

    private FleetRig(RigFile file, byte[] rigBytes, byte[] netlistBytes, FleetSettings fleet) {
        super(IdentityCalibration.INSTANCE);
        this.description = file.description();
        this.settings = file.simulator().orElseThrow();
        this.probes = new SpiceProbes(description, settings);
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        this.job = HexFormat.of().formatHex(id);
        this.netlistSha256 = RigFileLoader.sha256(netlistBytes);
        this.fleetUrl = fleet.broker().url();
        blobs.put(file.sha256(), rigBytes);
        blobs.put(netlistSha256, netlistBytes);
        Messages.Job announcement = new Messages.Job(job, description.id(), file.sha256(), netlistSha256);
        this.bus = Telemetry.bus(fleet.broker(), "tileloop-job-" + job, Optional.of(new Bus.Will(Topics.Fleet.job(job), new byte[0], true)));
        this.table = new ChunkTable(job, file.sha256(), netlistSha256, description, fleet, bus.maxPayloadBytes(), System::nanoTime);
        bus.subscribe(Topics.Fleet.workerStatuses(), this::onStatus);
        bus.subscribe(Topics.Fleet.jobInbox(job), this::onInbox);
        bus.onConnect(() -> bus.publish(Topics.Fleet.job(job), announcement.encode(), true));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-job-" + job);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> send(table.tick()), 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens {@code file}'s simulated rig on the fleet and returns at once (workers may come later).
     *
     * @throws RigConfigurationException a bench or digital rig (bench rigs never travel), or a netlist the workers cannot place
     */
    public static FleetRig open(RigFile file, FleetSettings fleet) {
        if (file.description().kind() != RigKind.SIMULATED) {
            throw new RigConfigurationException("rig " + file.description().id() + " is a " + file.description().kind().toString()
                    .toLowerCase(java.util.Locale.ROOT) + " rig: only simulated rigs run on the fleet (a bench rig never leaves its host;"
                    + " submit to its daemon instead)");
        }
        byte[] rigBytes = read(file.path(), "rig file");
        if (!RigFileLoader.sha256(rigBytes).equals(file.sha256())) {
            throw new RigConfigurationException(file.path() + ": the rig file changed since it was loaded; run the command again");
        }
        RigBundle.netlistPath(rigBytes, file.path().toString());
        return new FleetRig(file, rigBytes, read(file.simulator().orElseThrow().netlistTemplate(), "netlist"), fleet);
    }

    private static byte[] read(Path p, String what) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new RigConfigurationException("cannot read the " + what + " " + org.tileloop.input.ShownPath.of(p) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RigDescription description() {
        return description;
    }

    /** Each probe's stop time travels with it; the workers' simulated rigs end their transients there. */
    @Override
    public boolean honoursStopTimes() {
        return true;
    }

    /** Waits until connected to the broker and subscribed; false after {@code timeoutMs}. */
    public boolean awaitReady(long timeoutMs) {
        return bus.awaitReady(timeoutMs);
    }

    /** Worker slots online now. */
    public int onlineSlots() {
        return table.onlineSlots();
    }

    /** Chunks issued again (a worker died or went quiet) since this rig opened. */
    public long reissuedChunks() {
        return table.counters()[0];
    }

    /** Results dropped because their chunk was already measured. */
    public long duplicateResults() {
        return table.counters()[1];
    }

    @Override
    public synchronized List<StimulusResult> measure(List<Probe> batch) {
        if (closed) {
            throw new MeasurementException("fleet rig " + description.id() + " is closed");
        }
        List<String> netlists = probes.netlists(batch);
        Batch b = new Batch(batch, SpiceProbes.occurrences(netlists));
        send(table.start(b));
        try {
            b.done.get();
        } catch (InterruptedException e) {
            send(table.close(new MeasurementException("interrupted")));
            Thread.currentThread().interrupt();
            throw new MeasurementException("interrupted during a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RigUnavailableException && !bus.connected()) {
                throw new RigUnavailableException("cannot reach the fleet's broker " + fleetUrl + " (" + e.getCause().getMessage() + ")", e.getCause());
            }
            if (e.getCause() instanceof RigException re) {
                throw re;
            }
            throw new MeasurementException("fleet batch failed: " + e.getCause(), e.getCause());
        }
        List<StimulusResult> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(b.results[i].result(batch.get(i).stimulus(), description, calibration()));
        }
        return out;
    }

    /** The same readings a local rig of this file gives: the reference path is a model, computed here. */
    @Override
    public List<Double> measureReference(double delayNs) {
        return probes.reference(delayNs, referenceCount.incrementAndGet());
    }

    /** Waits up to a few seconds for the broker and the workers' retained statuses, so the versions are those of the fleet. */
    @Override
    public Map<String, String> provenance() {
        if (bus.awaitReady(10_000)) {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (table.onlineSlots() == 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("simulator", "ngspice");
        List<String> versions = table.simulatorVersions();
        p.put("simulator_version", versions.isEmpty() ? "unknown (no worker online yet)" : String.join(", ", versions));
        p.put("netlist", settings.netlistTemplate().getFileName().toString());
        p.put("netlist_sha256", netlistSha256);
        p.put("measured_by", "fleet");
        return p;
    }

    private void onInbox(BusMessage m) {
        try {
            ObjectNode o = Wire.parse(m.payload());
            String type = o.get("type").asText();
            switch (type) {
                case "ask" -> {
                    Messages.Ask a = Messages.Ask.decode(o);
                    requireReplyTopic(m, a.from());
                    send(table.ask(a, m.correlation()));
                }
                case "beat" -> table.beat(Messages.Beat.decode(o));
                case "result" -> send(table.result(ChunkCodec.Result.decode(o)));
                case "blob_request" -> {
                    Messages.BlobRequest r = Messages.BlobRequest.decode(o);
                    requireReplyTopic(m, r.from());
                    bus.publish(m.responseTopic().orElseThrow(), blobPart(r), Optional.empty(), m.correlation());
                }
                default -> throw new Wire.BadMessage("unknown type '" + org.tileloop.input.StrictInput.printable(type) + "'");
            }
        } catch (Wire.BadMessage e) {
            LOG.warn("fleet job {}: rejected a message on {}: {}", job, m.topic(), e.getMessage());
        }
    }

    private static void requireReplyTopic(BusMessage m, Messages.From from) {
        if (!m.responseTopic().equals(Optional.of(Topics.Fleet.workerInbox(from.worker())))) {
            throw new Wire.BadMessage("response topic is not worker " + from.worker() + "'s inbox");
        }
        if (m.correlation().length == 0 || m.correlation().length > 64) {
            throw new Wire.BadMessage("want correlation data of 1-64 bytes");
        }
    }

    private byte[] blobPart(Messages.BlobRequest r) {
        byte[] blob = blobs.get(r.sha256());
        if (blob == null) {
            return new Messages.NoWork(job, Optional.of("job " + job + " has no blob " + r.sha256())).encode();
        }
        int parts = Math.max(1, (blob.length + Messages.BLOB_PART_BYTES - 1) / Messages.BLOB_PART_BYTES);
        if (r.part() >= parts) {
            return new Messages.NoWork(job, Optional.of("blob " + r.sha256() + " has " + parts + " parts")).encode();
        }
        int from = r.part() * Messages.BLOB_PART_BYTES;
        return new Messages.BlobPart(r.sha256(), r.part(), parts,
                java.util.Arrays.copyOfRange(blob, from, Math.min(blob.length, from + Messages.BLOB_PART_BYTES))).encode();
    }

    private void onStatus(BusMessage m) {
        Optional<String> worker = Topics.Fleet.idIn(m.topic(), "workers");
        if (worker.isEmpty()) {
            return;
        }
        try {
            if (m.payload().length == 0) {
                send(table.status(worker.get(), Optional.empty()));
                return;
            }
            Messages.Status s = Messages.Status.decode(Wire.parse(m.payload()));
            if (!s.from().worker().equals(worker.get())) {
                throw new Wire.BadMessage("status of worker " + s.from().worker() + " on another worker's topic");
            }
            send(table.status(worker.get(), Optional.of(s)));
        } catch (Wire.BadMessage e) {
            LOG.warn("fleet job {}: rejected a message on {}: {}", job, m.topic(), e.getMessage());
        }
    }

    private void send(List<ChunkTable.Reply> replies) {
        for (ChunkTable.Reply r : replies) {
            bus.publish(r.topic(), r.payload(), Optional.empty(), r.correlation());
        }
    }

    /** Ends the job: waiting workers are told, the announcement is cleared, the connection closed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        send(table.close(new MeasurementException("fleet rig " + description.id() + " closed")));
        bus.close(Optional.of(new Bus.Will(Topics.Fleet.job(job), new byte[0], true)));
    }
}
