package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.file.Rigs;

/** {@code missing: censored}: the Tobit term's numbers, and training that makes a silent channel fire. */
class CensoredMissingTest {

    /** Reference values from the C library's erfc (Python math.erfc): log(½·erfc(z/√2)). */
    @ParameterizedTest
    @CsvSource({"2, -3.7831843336820317", "5, -15.064998393988724", "10, -53.23128515051246", "25, -316.63940800802015",
            "29.9, -451.32291245852855", "30, -454.3212439563431", "30.1, -457.32956441638225", "37, -689.0305855768905"})
    void logUpperTailMatchesErfcOnBothSidesOfTheSeriesSwitch(double z, double expected) {
        assertEquals(expected, Tobit.logUpperTail(z), 1e-9 * Math.abs(expected));
    }

    @Test
    void theCensoredTermIsOnTheTimingScaleAndNeverInfinite() {
        // σ = 1 ns, window end 2 ns after the target: 2σ²(−log(1 − Φ(2)) − log 2) = 2 (3.78318 − 0.69315)
        assertEquals(6.180074306244172, Tobit.termNs2(9, 7, 1), 1e-12);
        // σ = 10 ps, 23 ns late: z = 2300, far beyond erfc's range: (T − target)² + 2σ²(log z + log √(2π) − log 2)
        assertEquals(529.0015932911509, Tobit.termNs2(30, 7, 0.01), 1e-7);
        assertEquals(Math.sqrt(529.0015932911509), Tobit.residualNs(30, 7, 0.01), 1e-8);
        // z = 1e8: no overflow, no −log(0)
        assertEquals(1e12, Tobit.termNs2(1e6, 0, 0.01), 1);
        // a target at or after the window end: silence is consistent with it
        assertEquals(0, Tobit.termNs2(30, 30, 0.01));
        assertEquals(0, Tobit.termNs2(30, 31, 0.01));
        // grows monotonically with the distance from the target to the window end
        double last = 0;
        for (double late = 0.001; late < 50; late *= 1.7) {
            double t = Tobit.termNs2(30, 30 - late, 0.01);
            assertTrue(t > last && t >= late * late, late + " ns: " + t);
            last = t;
        }
    }

    static TrainingConfig silentConfig(String missing, Consumer<TrainingConfigBuilder> change) {
        TrainingConfigBuilder c = new TrainingConfigBuilder();
        c.trainable = List.of("iin_amp");
        c.initial = Map.of("iin_amp", 1.3);
        c.trainDelaysNs = List.of(4.0, 6.0);
        c.holdoutDelaysNs = List.of(5.0);
        Map<String, List<Double>> targets = new LinkedHashMap<>();
        for (double d : List.of(4.0, 5.0, 6.0)) {
            List<Double> t = new ArrayList<>();
            t.add(null);
            t.add(SilentChannelRig.n1Ns(d, 1.65));
            targets.put(TrainingConfig.key(d), t);
        }
        c.targetsNs = targets;
        c.estimator = "forward";
        c.optimizer = "gauss_newton";
        c.maxStep = 0.5;
        c.iterations = 4;
        c.missing = missing;
        change.accept(c);
        TrainingConfig built = c.build("test config");
        built.checkAgainst(SilentChannelRig.DESCRIPTION, "test config");
        return built;
    }

    static List<Iteration> train(Rig rig, TrainingConfig c) throws IOException {
        TrainingTask task = TrainingTask.of(c, rig.description());
        List<Iteration> out = new ArrayList<>();
        new Trainer(rig, task, new DriftGuard(rig, c, DriftGuard.NONE), TrainerTest.CLOCK)
                .run(Checkpoint.start(task.space().toUnit(task.initial()), 0, 0), List.of(), out::add, () -> false);
        return out;
    }

    static boolean fired(Iteration it, int channel) {
        return it.traces().stream().filter(m -> m.trace().split().equals(Trace.TRAIN))
                .allMatch(m -> m.result().channels().get(channel).firstSpike().isPresent());
    }

    @Test
    void censoredGaussNewtonMakesTheSilentChannelFireAndReachItsOptimumWhereThePenaltyStaysPut() throws IOException {
        List<Iteration> censored = train(new SilentChannelRig(), silentConfig("censored", c -> { }));
        List<Iteration> penalty = train(new SilentChannelRig(), silentConfig("penalty", c -> { }));
        // iteration 0 at 1.3 V: n1 silent; censored term per pair ≈ (20 − 5.4)² and (20 − 7.4)², averaged
        assertTrue(!fired(censored.get(0), 1));
        assertEquals((Math.pow(20 - 5.4, 2) + Math.pow(20 - 7.4, 2)) / 2, censored.get(0).train().missing(), 0.01);
        assertEquals(25, penalty.get(0).train().missing(), 1e-12);
        // the borrowed row (n0: −0.6 ns per unit) pushes iin_amp up by the whole trust region, 0.5 × 0.6 V
        assertEquals(0.3, censored.get(0).parameters().get(0).step(), 1e-9);
        assertTrue(fired(censored.get(1), 1), "n1 fires after one step");
        Iteration end = censored.get(censored.size() - 1);
        assertEquals(1.65, end.parameters().get(0).value(), 1e-6, "the known optimum");
        assertTrue(end.train().total() < 1e-10, "train loss " + end.train().total());
        assertEquals(0, end.train().missing());
        // the flat penalty has no slope while n1 is silent: no step, n1 never fires
        for (Iteration it : penalty) {
            assertEquals(1.3, it.parameters().get(0).value(), 1e-12);
            assertEquals(0, it.parameters().get(0).step());
            assertTrue(!fired(it, 1));
        }
    }

    @Test
    void configKeysAreRangeChecked() {
        var e = assertThrows(RigConfigurationException.class, () -> silentConfig("tobit", c -> { }));
        assertTrue(e.getMessage().startsWith("test config: invalid training config: missing: "), e.getMessage());
        assertTrue(e.getMessage().contains("penalty") && e.getMessage().contains("censored"), e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> silentConfig("censored", c -> c.timingSigmaPs = 0));
        assertEquals("test config: invalid training config: timing_sigma_ps: 0 is outside the allowed range (0, 1000000]", e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> silentConfig("censored", c -> c.finalRepeats = 1));
        assertEquals("test config: final_repeats: 1 measures no spread; use 0 (off) or 2 to 1000", e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> silentConfig("censored", c -> c.finalRepeats = 1001));
        assertEquals("test config: invalid training config: final_repeats: 1001 is outside the allowed range [0, 1000]", e.getMessage());
        assertEquals(TrainingConfig.Missing.PENALTY, new TrainingConfigBuilder().build("defaults").loss().missing());
        assertEquals(10, new TrainingConfigBuilder().build("defaults").loss().timingSigmaPs());
    }

    /** The shipped silent task on the simulated tile: n3 is silent at the start; only the censored run makes it fire. */
    @Test
    void onTheSimulatedTileCensoredTrainingMakesTheSilentOutputFire() throws IOException {
        var file = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml"));
        Map<String, List<Iteration>> runs = new LinkedHashMap<>();
        for (String missing : List.of("censored", "penalty")) {
            TrainingConfigBuilder b = TrainingConfigBuilder.load(Path.of("rigs/training/sim-tile4-silent.yaml"));
            b.missing = missing;
            b.iterations = 3;
            TrainingConfig c = b.build("sim-tile4-silent");
            try (Rig rig = Rigs.open(file)) {
                runs.put(missing, train(rig, c));
            }
        }
        List<Iteration> censored = runs.get("censored");
        List<Iteration> penalty = runs.get("penalty");
        assertTrue(!fired(censored.get(0), 3) && !fired(penalty.get(0), 3), "n3 starts silent");
        assertTrue(fired(censored.get(1), 3), "censored: n3 fires after one step");
        assertTrue(censored.get(3).train().total() < 0.05 * censored.get(1).train().total(),
                "then it closes in on its targets: " + censored.get(1).train().total() + " -> " + censored.get(3).train().total());
        for (Iteration it : penalty) {
            assertTrue(!fired(it, 3), "penalty: n3 stays silent");
            assertEquals(25, it.train().total(), 1e-12);
        }
    }
}
