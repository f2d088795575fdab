package org.tileloop.fleet;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.tileloop.rig.Probe;

/**
 * A batch a {@link FleetRig} measures: its probes, each probe's occurrence in the whole batch, and
 * the raw results as they come in, in batch order; complete (or failed) when {@link #done} is.
 * Guarded by the {@link ChunkTable}'s lock.
 */
final class Batch {
    final List<Probe> probes;
    final int[] occurrence;
    final ChunkCodec.RawResult[] results;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int remaining;

    Batch(List<Probe> probes, int[] occurrence) {
        this.probes = List.copyOf(probes);
        this.occurrence = occurrence.clone();
        this.results = new ChunkCodec.RawResult[probes.size()];
        this.remaining = probes.size();
    }
}
