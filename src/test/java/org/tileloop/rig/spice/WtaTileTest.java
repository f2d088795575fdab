package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;

/** The winner-take-all classification tile (rigs/sim-tile-wta.yaml) on real ngspice. */
class WtaTileTest {

    static final RigFile FILE = RigFileLoader.load(Path.of("rigs/sim-tile-wta.yaml"));
    static final List<String> INPUTS = List.of("in0", "in1", "in2");
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

    static Stimulus fire(String... inputsAt45) {
        Map<String, Double> delays = new HashMap<>();
        for (String in : inputsAt45) {
            delays.put(in, 4.5);
        }
        return new Stimulus(delays);
    }

    static Optional<Double> first(StimulusResult r, int channel) {
        return r.channels().get(channel).firstSpike().map(t -> t.rawNs());
    }

    /** The channel that fired strictly first, or -1 (none fired, or a tie). */
    static int winner(StimulusResult r) {
        int best = -1;
        double bestNs = Double.POSITIVE_INFINITY;
        boolean tie = false;
        for (int c = 0; c < r.channels().size(); c++) {
            Optional<Double> t = first(r, c);
            if (t.isPresent() && t.get() < bestNs) {
                best = c;
                bestNs = t.get();
                tie = false;
            } else if (t.isPresent() && t.get() == bestNs) {
                tie = true;
            }
        }
        return tie ? -1 : best;
    }

    /** Input i drives only output j (weight 0.8; every other synapse of input i at 0.1). */
    static ParameterVector wired(int i, int j) {
        ParameterVector v = FILE.description().defaults();
        for (int k = 0; k < 3; k++) {
            v = v.with("w" + i + k, k == j ? 0.8 : 0.1);
        }
        return v;
    }

    @Test
    void everyInputCanMakeEveryOutputFireFirstThroughItsTrainableWeights() {
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                probes.add(new Probe(wired(i, j), fire(INPUTS.get(i))));
            }
        }
        List<StimulusResult> r = rig.measure(probes);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                StimulusResult s = r.get(3 * i + j);
                assertEquals(j, winner(s), "in" + i + " wired to n" + j + ": " + s.channels());
                double winnerNs = first(s, j).orElseThrow();
                for (int k = 0; k < 3; k++) {
                    Optional<Double> other = first(s, k);
                    if (k != j && other.isPresent()) {
                        assertTrue(other.get() - winnerNs > 1.0, "in" + i + " wired to n" + j + ": n" + k + " fires only "
                                + (other.get() - winnerNs) + " ns after the winner");
                    }
                }
            }
        }
    }

    @Test
    void lateralInhibitionDelaysTheLosers() {
        ParameterVector base = FILE.description().defaults();
        List<StimulusResult> r = rig.measure(List.of(new Probe(base.with("r_inh", 100000), fire("in0")),
                new Probe(base, fire("in0")), new Probe(base.with("r_inh", 10000), fire("in0"))));
        double weak = first(r.get(0), 1).orElseThrow() - first(r.get(0), 0).orElseThrow();
        double normal = first(r.get(1), 1).orElseThrow() - first(r.get(1), 0).orElseThrow();
        assertTrue(normal - weak > 1.0, "at the default r_inh a loser fires " + normal + " ns after the winner, with weak inhibition " + weak);
        assertEquals(0, winner(r.get(2)));
        assertTrue(first(r.get(2), 1).isEmpty() && first(r.get(2), 2).isEmpty(), "strong inhibition silences the losers: " + r.get(2));
    }

    @Test
    void theHiddenNeuronFiresOnCoincidenceAndAdvancesItsOutput() {
        ParameterVector base = FILE.description().defaults();
        List<StimulusResult> r = rig.measure(List.of(new Probe(base.with("v0", 0.02), fire("in0", "in1")),
                new Probe(base.with("v0", 1.0), fire("in0", "in1")), new Probe(base.with("v0", 0.02), fire("in0")),
                new Probe(base.with("v0", 1.0), fire("in0"))));
        double advancePs = (first(r.get(0), 0).orElseThrow() - first(r.get(1), 0).orElseThrow()) * 1000;
        assertTrue(advancePs > 100, "h (fired by in0 + in1) advances n0 through v0 by " + advancePs + " ps");
        double aloneShiftPs = Math.abs(first(r.get(2), 0).orElseThrow() - first(r.get(3), 0).orElseThrow()) * 1000;
        assertTrue(aloneShiftPs < 5, "one input alone does not fire h, so v0 hardly matters: " + aloneShiftPs + " ps");
    }

    @Test
    void eachTrainableKnobMovedBy10PercentKeepsEveryWinnerAndMovesAFirstSpike() {
        ParameterVector base = FILE.description().defaults();
        List<Stimulus> stimuli = List.of(fire("in0"), fire("in1"), fire("in2"), fire("in0", "in1"), fire("in1", "in2"), fire("in0", "in2"));
        List<ParameterSpec> knobs = FILE.description().parameters().stream().filter(ParameterSpec::trainable).toList();
        List<Probe> probes = new ArrayList<>();
        stimuli.forEach(s -> probes.add(new Probe(base, s)));
        for (ParameterSpec p : knobs) {
            for (double factor : new double[] {0.9, 1.1}) {
                ParameterVector moved = base.with(p.name(), p.defaultValue() * factor);
                stimuli.forEach(s -> probes.add(new Probe(moved, s)));
            }
        }
        List<StimulusResult> r = rig.measure(probes);
        for (int i = 0; i < 3; i++) {
            assertEquals(i, winner(r.get(i)), "at the defaults in" + i + " alone makes n" + i + " fire first");
        }
        int n = stimuli.size();
        for (int k = 0; k < knobs.size(); k++) {
            for (int f = 0; f < 2; f++) {
                int at = n * (1 + 2 * k + f);
                double maxShiftPs = 0;
                for (int s = 0; s < n; s++) {
                    StimulusResult moved = r.get(at + s);
                    if (s < 3) {
                        assertEquals(s, winner(moved), knobs.get(k).name() + " moved by " + (f == 0 ? "-" : "+") + "10 %: in" + s + " alone");
                    }
                    for (int c = 0; c < 3; c++) {
                        Optional<Double> a = first(r.get(s), c);
                        Optional<Double> b = first(moved, c);
                        if (a.isPresent() && b.isPresent()) {
                            maxShiftPs = Math.max(maxShiftPs, Math.abs(a.get() - b.get()) * 1000);
                        }
                    }
                }
                assertTrue(maxShiftPs > 10, knobs.get(k).name() + (f == 0 ? " -10 %" : " +10 %") + " moved first spikes by only " + maxShiftPs + " ps");
            }
        }
    }

    @Test
    void agreesWithPlainNgspiceMeasOnRandomVectorsAndStimuliWithin1ps() throws Exception {
        Random random = new Random(20261201);
        int compared = 0;
        for (int trial = 0; trial < 8; trial++) {
            ParameterVector v = FILE.description().defaults();
            for (ParameterSpec p : FILE.description().parameters()) {
                v = v.with(p.name(), p.min() + random.nextDouble() * p.range());
            }
            Map<String, Double> delays = new HashMap<>();
            for (String in : INPUTS) {
                if (delays.isEmpty() || random.nextBoolean()) {
                    delays.put(in, 4 + random.nextDouble() * 3);
                }
            }
            Stimulus s = new Stimulus(delays);
            StimulusResult ours = rig.measure(v, List.of(s)).get(0);
            Map<String, Double> meas = PlainNgspice.measurements(rig.netlist(v, s), dir);
            double shift = NetlistRenderer.of(FILE.description(), FILE.simulator().orElseThrow()).shiftNs(s);
            for (ChannelResult c : ours.channels()) {
                Double plain = meas.get("first_" + c.name());
                if (plain == null) {
                    assertTrue(c.firstSpike().isEmpty(), "ngspice .meas found no crossing on " + c.name() + " but tileloop did");
                    continue;
                }
                assertTrue(c.firstSpike().isPresent(), "tileloop missed a spike on " + c.name());
                assertEquals(plain * 1e9 + shift, c.firstSpike().get().rawNs(), 0.001, "trial " + trial + " " + c.name());
                compared++;
            }
            double energyFromMeas = -1.8 * meas.get("supply_charge_c") * 1e12;
            assertEquals(energyFromMeas, ours.energyPj().getAsDouble(), 1e-3 * energyFromMeas);
        }
        assertTrue(compared >= 12, "compared only " + compared + " first spikes");
    }
}
