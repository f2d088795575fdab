package org.tileloop.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.RigException;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;
import org.tileloop.rig.spice.SpiceSettings;

/**
 * The simulated rigs of a worker's slots: per slot, the last two rigs it measured (one ngspice
 * process each, uncalibrated), made from the job's rig file and netlist as fetched into the
 * worker's cache and loaded and checked like any rig file.
 */
final class SlotRigs implements AutoCloseable {

    /** The job's rig cannot be used here (hash mismatch, not a simulated rig, invalid file): the worker stops asking that job. */
    static final class Unusable extends RuntimeException {
        Unusable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Fetches one part of a blob from a job. */
    interface Fetch {
        Optional<ObjectNode> part(Messages.Job job, String sha256, int part);
    }

    private static final int PER_SLOT = 2;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SlotRigs.class);

    private final List<Map<String, SpiceRig>> slots = new ArrayList<>();
    private final BlobCache blobs;
    private final Path cacheDir;
    private final Ngspice ngspice;
    private final Fetch fetch;

    SlotRigs(int capacity, BlobCache blobs, Path cacheDir, Ngspice ngspice, Fetch fetch) {
        for (int i = 0; i < capacity; i++) {
            slots.add(new LinkedHashMap<>());
        }
        this.blobs = blobs;
        this.cacheDir = cacheDir;
        this.ngspice = ngspice;
        this.fetch = fetch;
    }

    /** The rig of {@code job} for {@code slot} (called only from that slot's thread). */
    SpiceRig rig(int slot, Messages.Job job) {
        String key = job.rigSha256() + "-" + job.netlistSha256();
        Map<String, SpiceRig> mine = slots.get(slot);
        SpiceRig rig = mine.get(key);
        if (rig != null) {
            return rig;
        }
        RigFile file = load(job, key);
        SpiceSettings s = file.simulator().orElseThrow();
        SpiceSettings one = s.withWorkers(1);
        rig = new SpiceRig(file.description(), one, IdentityCalibration.INSTANCE, ngspice);
        if (mine.size() >= PER_SLOT) {
            String eldest = mine.keySet().iterator().next();
            mine.remove(eldest).close();
        }
        mine.put(key, rig);
        return rig;
    }

    /**
     * Measures chunk {@code a} of {@code job} on {@code slot}'s rig: the results, or why there are
     * none (a simulation failure, a refused vector, a missing simulator, results over {@code maxBytes}).
     *
     * @throws Unusable when the job's rig cannot be used here at all
     */
    ChunkCodec.Result measure(int slot, Messages.Job job, ChunkCodec.Assignment a, Messages.From from, int maxBytes) {
        try {
            List<org.tileloop.rig.StimulusResult> r = rig(slot, job).measureChunk(a.probes(), a.occurrence());
            ChunkCodec.Result result = new ChunkCodec.Result(from, a.chunk(), a.attempt(), r.stream().map(ChunkCodec.RawResult::of).toList(),
                    Optional.empty(), "");
            int bytes = result.encode().length;
            return bytes > maxBytes ? ChunkCodec.Result.failed(from, a, ChunkCodec.FailureKind.TOO_LARGE, bytes + " bytes of results") : result;
        } catch (Unusable e) {
            throw e;
        } catch (org.tileloop.rig.RigConfigurationException e) {
            return ChunkCodec.Result.failed(from, a, ChunkCodec.FailureKind.CONFIGURATION, e.getMessage());
        } catch (org.tileloop.rig.MeasurementException e) {
            return ChunkCodec.Result.failed(from, a, ChunkCodec.FailureKind.MEASUREMENT, e.getMessage());
        } catch (RuntimeException e) {
            if (!(e instanceof org.tileloop.rig.RigUnavailableException)) {
                LOG.warn("chunk {} of job {}: {}", a.chunk(), job.job(), e.toString());
            }
            return ChunkCodec.Result.failed(from, a, ChunkCodec.FailureKind.UNAVAILABLE, String.valueOf(e.getMessage()));
        }
    }

    private RigFile load(Messages.Job job, String key) {
        byte[] rigBytes;
        byte[] netlist;
        try {
            rigBytes = blobs.get(job.rigSha256(), (sha, part) -> fetch.part(job, sha, part));
            netlist = blobs.get(job.netlistSha256(), (sha, part) -> fetch.part(job, sha, part));
        } catch (Wire.BadMessage e) {
            throw new Unusable("job " + job.job() + ": " + e.getMessage(), e);
        }
        try {
            Path rigPath;
            synchronized (SlotRigs.class) {
                rigPath = RigBundle.place(cacheDir.resolve("rigs").resolve(key.substring(0, 16) + key.substring(65, 81)), job.rigId(),
                        rigBytes, netlist);
            }
            RigFile file = RigFileLoader.load(rigPath);
            if (file.description().kind() != RigKind.SIMULATED || !file.description().id().equals(job.rigId())) {
                throw new Unusable("job " + job.job() + ": rig file " + job.rigSha256().substring(0, 12) + " is not simulated rig "
                        + job.rigId(), null);
            }
            return file;
        } catch (IOException e) {
            throw new org.tileloop.rig.RigUnavailableException("cannot place rig " + job.rigId() + " in the cache: " + e.getMessage(), e);
        } catch (RigException e) {
            throw new Unusable("job " + job.job() + ": rig " + job.rigId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (Map<String, SpiceRig> m : slots) {
            synchronized (m) {
                m.values().forEach(SpiceRig::close);
                m.clear();
            }
        }
    }
}
