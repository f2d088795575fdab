package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;

/** The simulated tile on real ngspice. */
class SpiceRigTest {

    static final RigFile FILE = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml"));
    static SpiceRig rig;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        rig = new SpiceRig(FILE.description(), FILE.simulator().orElseThrow(), IdentityCalibration.INSTANCE, Ngspice.locate());
    }

    @AfterAll
    static void close() {
        rig.close();
    }

    static Stimulus at(double delayNs) {
        return new Stimulus(Map.of("in0", delayNs));
    }

    static double first(StimulusResult r, int channel) {
        return r.channels().get(channel).firstSpike().orElseThrow(() -> new AssertionError("no spike on channel " + channel)).rawNs();
    }

    @Test
    void allFourSpikeInOrderForEveryDelayFrom4To11() {
        List<Stimulus> batch = new ArrayList<>();
        for (double d = 4.0; d <= 11.0 + 1e-9; d += 0.5) {
            batch.add(at(d));
        }
        List<StimulusResult> results = rig.measure(FILE.description().defaults(), batch);
        assertEquals(15, results.size());
        for (int i = 0; i < results.size(); i++) {
            StimulusResult r = results.get(i);
            double delay = batch.get(i).delayNs();
            assertEquals(delay, r.stimulus().delayNs(), "results come back in batch order");
            double previous = delay;
            for (int c = 0; c < 4; c++) {
                double t = first(r, c);
                assertTrue(t > previous, "channel " + c + " at delay " + delay + " fires after its upstream: " + t + " vs " + previous);
                previous = t;
            }
            assertTrue(r.energyPj().getAsDouble() > 1 && r.energyPj().getAsDouble() < 100, "energy " + r.energyPj());
            for (ChannelResult c : r.channels()) {
                assertEquals("identity", c.firstSpike().orElseThrow().calibrationId());
                assertEquals(c.firstSpike().get().rawNs(), c.firstSpike().get().calibratedNs());
            }
        }
    }

    @Test
    void eachTrainableKnobMovesAFirstSpikeByMoreThan10ps() {
        ParameterVector base = FILE.description().defaults();
        StimulusResult ref = rig.measure(base, List.of(at(4.5))).get(0);
        for (ParameterSpec p : FILE.description().parameters()) {
            if (!p.trainable()) {
                continue;
            }
            for (double factor : new double[] {0.9, 1.1}) {
                StimulusResult moved = rig.measure(base.with(p.name(), p.defaultValue() * factor), List.of(at(4.5))).get(0);
                double maxShiftPs = 0;
                for (int c = 0; c < 4; c++) {
                    maxShiftPs = Math.max(maxShiftPs, Math.abs(first(moved, c) - first(ref, c)) * 1000);
                }
                assertTrue(maxShiftPs > 10, p.name() + " x" + factor + " moved first spikes by only " + maxShiftPs + " ps");
            }
        }
    }

    @Test
    void couplingDelaysDownstreamNeurons() {
        ParameterVector base = FILE.description().defaults();
        StimulusResult weak = rig.measure(base.with("r_fb", 4000), List.of(at(4.5))).get(0);
        StimulusResult strong = rig.measure(base.with("r_fb", 2000), List.of(at(4.5))).get(0);
        assertEquals(first(weak, 0), first(strong, 0), 0.02, "neuron 0 feels the coupling only as output load");
        assertTrue(first(weak, 3) - first(strong, 3) > 0.3, "a larger coupling resistance delays neuron 3");
    }

    @Test
    void agreesWithPlainNgspiceMeasOnRandomVectorsWithin1ps() throws Exception {
        Random random = new Random(20261122);
        int compared = 0;
        for (int trial = 0; trial < 12; trial++) {
            ParameterVector v = FILE.description().defaults();
            for (ParameterSpec p : FILE.description().parameters()) {
                v = v.with(p.name(), p.min() + random.nextDouble() * p.range());
            }
            Stimulus s = at(4 + random.nextDouble() * 7);
            StimulusResult ours = rig.measure(v, List.of(s)).get(0);
            Map<String, Double> meas = PlainNgspice.measurements(rig.netlist(v, s), dir);
            for (ChannelResult c : ours.channels()) {
                Double plain = meas.get("first_" + c.name());
                if (plain == null) {
                    assertTrue(c.firstSpike().isEmpty(), "ngspice .meas found no crossing on " + c.name() + " but tileloop did");
                    continue;
                }
                assertTrue(c.firstSpike().isPresent(), "tileloop missed a spike on " + c.name());
                double shift = NetlistRenderer.of(FILE.description(), FILE.simulator().orElseThrow()).shiftNs(s);
                assertEquals(plain * 1e9 + shift, c.firstSpike().get().rawNs(), 0.001, "trial " + trial + " " + c.name());
                compared++;
            }
            double energyFromMeas = -1.8 * meas.get("supply_charge_c") * 1e12;
            assertEquals(energyFromMeas, ours.energyPj().getAsDouble(), 1e-3 * energyFromMeas);
        }
        assertTrue(compared >= 24, "compared only " + compared + " first spikes");
    }

    @Test
    void aChannelThatNeverCrossesHasNoFirstSpike() {
        ParameterVector weak = FILE.description().withOverrides(Map.of("r_fb", 6000.0, "rleak", 25000.0, "iin_amp", 1.2));
        StimulusResult r = rig.measure(weak, List.of(at(4.5))).get(0);
        assertTrue(r.channels().get(0).firstSpike().isPresent());
        ChannelResult last = r.channels().get(3);
        assertFalse(last.firstSpike().isPresent());
        assertEquals(OptionalInt.of(0), last.spikeCount());
        assertTrue(last.spikes().isEmpty());
    }

    @Test
    void secondInputIsACoincidenceInputToNeuronZero() {
        List<StimulusResult> r = rig.measure(FILE.description().defaults(), List.of(
                new Stimulus(Map.of("in1", 4.5)), at(4.5), new Stimulus(Map.of("in0", 4.5, "in1", 4.5))));
        assertTrue(r.get(0).channels().stream().allMatch(c -> c.firstSpike().isEmpty()), "in1 alone stays below threshold");
        double advancePs = (first(r.get(1), 0) - first(r.get(2), 0)) * 1000;
        assertTrue(advancePs > 100, "in1 together with in0 advances neuron 0, by " + advancePs + " ps");
    }

    @Test
    void batchEqualsSequential() {
        List<Stimulus> batch = List.of(at(4.5), at(9.0), at(6.5), at(5.5));
        List<StimulusResult> together = rig.measure(FILE.description().defaults(), batch);
        for (int i = 0; i < batch.size(); i++) {
            StimulusResult alone = rig.measure(FILE.description().defaults(), List.of(batch.get(i))).get(0);
            assertEquals(alone, together.get(i));
        }
    }

    /** Random vectors inside the bounds (seeded), each with a random in0 delay. */
    static List<org.tileloop.rig.Probe> randomProbes(int n, long seed, org.tileloop.rig.Probe.Window window) {
        Random rnd = new Random(seed);
        List<org.tileloop.rig.Probe> probes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ParameterVector v = FILE.description().defaults();
            for (ParameterSpec p : FILE.description().parameters()) {
                v = v.with(p.name(), p.min() + rnd.nextDouble() * (p.max() - p.min()));
            }
            probes.add(new org.tileloop.rig.Probe(v, at(4 + rnd.nextDouble() * 7), window));
        }
        return probes;
    }

    @Test
    void stoppingAfterTheFirstSpikesReportsExactlyTheFullWindowsFirstSpikes() {
        var full = randomProbes(16, 42, org.tileloop.rig.Probe.Window.FULL);
        var early = full.stream().map(p -> new org.tileloop.rig.Probe(p.parameters(), p.stimulus(),
                org.tileloop.rig.Probe.Window.FIRST_SPIKES)).toList();
        List<StimulusResult> a = rig.measure(full);
        List<StimulusResult> b = rig.measure(early);
        int compared = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(SpikeCounts.COMPLETE, a.get(i).spikeCounts());
            assertEquals(SpikeCounts.TRUNCATED, b.get(i).spikeCounts());
            assertTrue(b.get(i).energyPj().isEmpty(), "no energy from a stopped window");
            for (int c = 0; c < 4; c++) {
                var fa = a.get(i).channels().get(c).firstSpike();
                var fb = b.get(i).channels().get(c).firstSpike();
                assertEquals(fa.isPresent(), fb.isPresent(), "probe " + i + " channel " + c);
                if (fa.isPresent()) {
                    assertEquals(fa.get().rawNs(), fb.get().rawNs(), 0.0, "probe " + i + " channel " + c + ": identical first spike");
                    compared++;
                }
            }
        }
        assertTrue(compared >= 40, "enough spikes compared: " + compared);
    }

    @Test
    void aFullWindowCountsEverySpikeAndAFirstSpikesWindowLeavesCountsUnknown() {
        ParameterVector v = FILE.description().defaults();
        List<StimulusResult> r = rig.measure(List.of(new Probe(v, at(4.5), Probe.Window.FULL),
                new Probe(v, at(4.5), Probe.Window.FIRST_SPIKES)));
        StimulusResult full = r.get(0);
        StimulusResult early = r.get(1);
        assertEquals(SpikeCounts.COMPLETE, full.spikeCounts());
        assertEquals(SpikeCounts.TRUNCATED, early.spikeCounts());
        int more = 0;
        for (int c = 0; c < 4; c++) {
            ChannelResult f = full.channels().get(c);
            ChannelResult e = early.channels().get(c);
            assertTrue(f.spikeCount().orElseThrow() >= 1, "n" + c + " fires in the full window");
            assertEquals(f.spikes().size(), f.spikeCount().orElseThrow(), "ngspice times every spike it counts");
            assertEquals(OptionalInt.empty(), e.spikeCount(), "n" + c + ": unknown after stopping early");
            assertEquals(1, e.spikes().size());
            more += f.spikeCount().getAsInt() > 1 ? 1 : 0;
        }
        assertTrue(more >= 1, "some channel fires more than once, so a truncated count would be wrong: " + full.channels());
    }

    @Test
    void parallelBatchesEqualSequentialEvaluationInOrder() {
        SpiceSettings s = FILE.simulator().orElseThrow();
        SpiceSettings one = s.withWorkers(1);
        var probes = randomProbes(12, 7, org.tileloop.rig.Probe.Window.FIRST_SPIKES);
        try (SpiceRig sequential = new SpiceRig(FILE.description(), one, IdentityCalibration.INSTANCE, Ngspice.locate())) {
            List<StimulusResult> seq = sequential.measure(probes);
            List<StimulusResult> par = rig.measure(probes);
            for (int i = 0; i < probes.size(); i++) {
                assertEquals(probes.get(i).stimulus(), par.get(i).stimulus(), "batch order");
                for (int c = 0; c < 4; c++) {
                    assertEquals(seq.get(i).channels().get(c).firstSpike().map(t -> t.rawNs()),
                            par.get(i).channels().get(c).firstSpike().map(t -> t.rawNs()));
                }
            }
        }
    }
}
