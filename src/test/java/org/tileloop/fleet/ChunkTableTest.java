package org.tileloop.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.telemetry.BrokerSettings;

/** The requester's chunk table without a broker: who gets which chunk, what is issued again, which result counts. */
class ChunkTableTest {

    static final RigDescription RIG = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml")).description();
    static final String SHA = "a".repeat(64);
    static final FleetSettings SETTINGS = FleetSettings.of(new BrokerSettings("tcp://127.0.0.1:1883", Optional.empty(), Optional.empty(), Optional.empty()));

    long now;
    final ChunkTable table = new ChunkTable("0123456789ab", SHA, SHA, RIG, SETTINGS, 30_000, () -> now);

    static Messages.From w(String id) {
        return new Messages.From(id, (id.equals("w1") ? "1" : "2").repeat(16));
    }

    static Messages.Status online(String id) {
        return new Messages.Status(w(id), true, 1, "39", "");
    }

    /** The chunk in a reply to {@code worker}. */
    static ChunkCodec.Assignment chunk(List<ChunkTable.Reply> replies, String worker) {
        assertEquals(1, replies.size(), replies.toString());
        assertEquals("tileloop/fleet/v1/workers/" + worker + "/inbox", replies.get(0).topic());
        return ChunkCodec.Assignment.decode(Wire.parse(replies.get(0).payload()));
    }

    /** A result whose energy is the probe's index in the batch, so order can be checked. */
    static ChunkCodec.Result result(String worker, ChunkCodec.Assignment a, int first) {
        List<ChunkCodec.RawResult> rs = new ArrayList<>();
        for (int i = 0; i < a.probes().size(); i++) {
            rs.add(new ChunkCodec.RawResult(List.of(List.of(5.0), List.of(), List.of(6.0, 7.0), List.of()), Optional.of(List.of(1, 0, 2, 0)),
                    OptionalDouble.of(first + i), OptionalDouble.of(30)));
        }
        return new ChunkCodec.Result(w(worker), a.chunk(), a.attempt(), rs, Optional.empty(), "");
    }

    static Batch batch(int n) {
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            probes.add(new Probe(RIG.defaults(), new Stimulus(Map.of("in0", 4.0 + (i % 3)))));
        }
        return new Batch(probes, new int[] {0, 0, 0, 1, 1, 1});
    }

    @Test
    void chunksOfADeadOrQuietWorkerAreIssuedAgainAndTheFirstResultWins() throws Exception {
        table.status("w1", Optional.of(online("w1")));
        table.status("w2", Optional.of(online("w2")));
        assertEquals(2, table.onlineSlots());
        Batch b = batch(6);
        assertEquals(List.of(), table.start(b), "nobody asked yet");
        ChunkCodec.Assignment c0 = chunk(table.ask(new Messages.Ask(w("w1"), 0), "a1".getBytes()), "w1");
        assertEquals(List.of(0L, 1), List.of(c0.chunk(), c0.attempt()));
        assertEquals(2, c0.probes().size(), "6 probes over 2 slots: the first chunk is ceil(6 / 4)");
        List<ChunkCodec.Assignment> rest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rest.add(chunk(table.ask(new Messages.Ask(w("w2"), 0), ("a" + (i + 2)).getBytes()), "w2"));
        }
        assertEquals(List.of(1, 1, 1, 1), rest.stream().map(a -> a.probes().size()).toList(),
                "the chunks shrink as the batch runs out: ceil(4 / 4), ceil(3 / 4), ... probes");
        assertEquals(List.of(1L, 2L, 3L, 4L), rest.stream().map(ChunkCodec.Assignment::chunk).toList());
        assertArrayEquals(new int[] {1}, rest.get(1).occurrence(), "occurrences of the whole batch travel with the chunk");
        assertEquals(List.of(), table.ask(new Messages.Ask(w("w2"), 0), "a6".getBytes()), "no work left: the ask is held");

        List<ChunkTable.Reply> again = table.status("w1", Optional.of(new Messages.Status(w("w1"), false, 1, "39", "connection lost")));
        ChunkCodec.Assignment c0again = chunk(again, "w2");
        assertEquals(List.of(0L, 2), List.of(c0again.chunk(), c0again.attempt()), "w1 died: its chunk goes to the held ask of w2");
        assertArrayEquals("a6".getBytes(), again.get(0).correlation());

        table.result(result("w1", c0, 0));
        table.result(result("w2", c0again, 0));
        table.result(result("w2", rest.get(0), 2));
        table.result(result("w2", rest.get(0), 2));
        table.result(result("w2", rest.get(1), 3));
        table.result(result("w2", rest.get(2), 4));
        assertFalse(b.done.isDone());
        assertEquals(2, table.counters()[1], "the second result for chunk 0 and the repeated one for chunk 1 were dropped");

        now += 6_000_000_000L;
        table.tick();
        assertEquals(2, table.counters()[0], "chunk 4's worker sent no beat for 5 s: issued again (after chunk 0)");
        ChunkCodec.Assignment c4again = chunk(table.ask(new Messages.Ask(w("w2"), 0), "a7".getBytes()), "w2");
        assertEquals(List.of(4L, 2), List.of(c4again.chunk(), c4again.attempt()));
        table.result(result("w2", c4again, 5));
        assertTrue(b.done.isDone());
        for (int i = 0; i < 6; i++) {
            assertEquals(i, b.results[i].result(b.probes.get(i).stimulus(), RIG, IdentityCalibration.INSTANCE).energyPj().getAsDouble());
        }
    }

    @Test
    void aLargeBatchIsCutIntoFullChunksThatShrinkTowardsItsEnd() {
        table.status("w1", Optional.of(online("w1")));
        table.status("w2", Optional.of(online("w2")));
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            probes.add(new Probe(RIG.defaults(), new Stimulus(Map.of("in0", 4.0 + (i % 3)))));
        }
        table.start(new Batch(probes, new int[300]));
        List<Integer> sizes = new ArrayList<>();
        int total = 0;
        while (total < 300) {
            ChunkCodec.Assignment a = chunk(table.ask(new Messages.Ask(w("w1"), 0), ("s" + sizes.size()).getBytes()), "w1");
            sizes.add(a.probes().size());
            total += a.probes().size();
        }
        assertEquals(300, total);
        assertEquals(16, sizes.get(0), "at most max_chunk (16) probes");
        assertEquals(List.of(16, 15, 12, 9, 6, 5, 4, 3, 2, 1, 1, 1, 1), sizes.subList(14, sizes.size()),
                "after 15 full chunks, a quarter of what is left (2 slots), down to one probe");
    }

    @Test
    void aChunkTooLargeToAnswerIsSplitAndAMeasurementFailureFailsTheBatch() throws Exception {
        Batch b = batch(6);
        table.start(b);
        ChunkCodec.Assignment all = chunk(table.ask(new Messages.Ask(w("w1"), 0), "a1".getBytes()), "w1");
        assertEquals(3, all.probes().size(), "no worker known: chunks as for one slot, ceil(6 / 2)");
        table.result(new ChunkCodec.Result(w("w1"), all.chunk(), 1, List.of(), Optional.of(ChunkCodec.FailureKind.TOO_LARGE), "40000 bytes"));
        ChunkCodec.Assignment half = chunk(table.ask(new Messages.Ask(w("w1"), 0), "a2".getBytes()), "w1");
        assertEquals(1, half.probes().size(), "split into 1 + 2");
        table.result(new ChunkCodec.Result(w("w1"), half.chunk(), 1, List.of(), Optional.of(ChunkCodec.FailureKind.MEASUREMENT),
                "ngspice: timestep too small"));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> b.done.get());
        assertTrue(e.getCause() instanceof MeasurementException && e.getCause().getMessage().equals("ngspice: timestep too small"));
    }

    @Test
    void malformedResultsAreRejectedAndTheChunkStaysOpen() {
        Batch b = batch(6);
        table.start(b);
        ChunkCodec.Assignment a = chunk(table.ask(new Messages.Ask(w("w1"), 0), "a1".getBytes()), "w1");
        ChunkCodec.Result ok = result("w1", a, 0);
        ChunkCodec.Result short1 = new ChunkCodec.Result(ok.from(), ok.chunk(), 1, ok.results().subList(0, 1), Optional.empty(), "");
        ChunkCodec.Result noCounts = new ChunkCodec.Result(ok.from(), ok.chunk(), 1, ok.results().stream()
                .map(r -> new ChunkCodec.RawResult(r.spikesNs(), Optional.empty(), r.energyPj(), r.windowNs())).toList(), Optional.empty(), "");
        ChunkCodec.Result fewChannels = new ChunkCodec.Result(ok.from(), ok.chunk(), 1, ok.results().stream()
                .map(r -> new ChunkCodec.RawResult(r.spikesNs().subList(0, 3), Optional.of(List.of(1, 0, 2)), r.energyPj(), r.windowNs())).toList(),
                Optional.empty(), "");
        for (ChunkCodec.Result bad : List.of(short1, noCounts, fewChannels)) {
            org.junit.jupiter.api.Assertions.assertThrows(Wire.BadMessage.class, () -> table.result(bad));
        }
        String wire = new String(ok.encode(), java.nio.charset.StandardCharsets.UTF_8);
        for (String bad : List.of(wire.replace("[6.0,7.0]", "[7.0,6.0]"), wire.replace("[5.0]", "[\"5\"]"),
                wire.replace("\"counts\":[1,0,2,0]", "\"counts\":[1,0,2,-1]"), wire.replace("\"attempt\":1", "\"attempt\":1,\"x\":0"))) {
            org.junit.jupiter.api.Assertions.assertThrows(Wire.BadMessage.class,
                    () -> ChunkCodec.Result.decode(Wire.parse(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8))), bad);
        }
        table.result(ChunkCodec.Result.decode(Wire.parse(ok.encode())));
        assertEquals(3, b.remaining, "the well-formed result (3 probes) counts; the rejected ones changed nothing");
    }

    @Test
    void aProbesStopTimeTravelsWithItAndABadOneIsRefused() {
        Probe stopped = new Probe(RIG.defaults(), Stimulus.delay(RIG, 4.5), Probe.Window.FIRST_SPIKES).stoppingAt(12.25);
        Probe open = new Probe(RIG.defaults(), Stimulus.delay(RIG, 5.5), Probe.Window.FIRST_SPIKES);
        ChunkCodec.Assignment a = new ChunkCodec.Assignment("0123456789ab", 3, 1, SHA, SHA, List.of(stopped, open), new int[] {0, 0});
        ChunkCodec.Assignment back = ChunkCodec.Assignment.decode(Wire.parse(a.encode()));
        assertEquals(List.of(stopped, open), back.probes());
        assertEquals(OptionalDouble.of(12.25), back.probes().get(0).stopNs());
        String wire = new String(a.encode(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(wire.contains("\"stop_ns\":12.25"), wire);
        for (String bad : List.of(wire.replace("\"stop_ns\":12.25", "\"stop_ns\":-1"), wire.replace("\"stop_ns\":12.25", "\"stop_ns\":\"12\""),
                wire.replaceFirst("\"window\":\"first_spikes\"", "\"window\":\"full\""))) {
            org.junit.jupiter.api.Assertions.assertThrows(Wire.BadMessage.class,
                    () -> ChunkCodec.Assignment.decode(Wire.parse(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8))), bad);
        }
    }

    @Test
    void aBatchNobodyWorksOnFailsAfterTheWait() throws Exception {
        Batch b = batch(6);
        table.start(b);
        now += 61_000_000_000L;
        table.tick();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> b.done.get());
        assertEquals("no fleet worker took or returned work for 60 s (0 slots online); start one: tileloop worker --broker tcp://127.0.0.1:1883",
                e.getCause().getMessage());
    }
}
