package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * {@code stop_rule: predicted} on the recording fake (n0 at d + 1 + 0.0005 (r_fb − 3000) − (iin − 1.4),
 * n1 at d + 1.5 + 0.0002 (r_fb − 3000) + 2 (iin − 1.4); targets from r_fb 4000, iin 1.5: d + 1.4 and d + 1.9).
 */
class PredictedStopTest {

    @Test
    void theBasePointIsMeasuredFirstAndThePerturbedPointsStopAtTheirTracesPredictedTime() throws IOException {
        TrainingConfig c = TrainerTest.config(x -> {
            x.estimator = "central";
            x.optimizer = "adam";
            x.iterations = 3;
        });
        RecordingRig rig = RecordingRig.stopping();
        TrainerTest.Run r = TrainerTest.train(rig, c, DriftGuard.NONE, null, List.of(), Integer.MAX_VALUE);
        // iteration 0, at the defaults (3000, 1.4): base spikes d + 1 and d + 1.5, both 0.4 ns early,
        // so the learned margin is max(2 ns, 2 × 0.4 ns) = 2 ns after the latest target (d + 1.9)
        List<Probe> first = rig.batches.get(0);
        List<Probe> rest = rig.batches.get(1);
        assertEquals(3, first.size(), "the base point's 2 train traces, then the holdout trace");
        assertEquals(List.of(4.0, 6.0, 5.0), first.stream().map(p -> p.stimulus().delayNs()).toList());
        assertTrue(first.stream().allMatch(p -> p.stopNs().isEmpty() && p.window() == Probe.Window.FIRST_SPIKES));
        assertEquals(8, rest.size(), "the other 2n = 4 points of central differences, 2 traces each");
        for (int i = 0; i < rest.size(); i++) {
            double d = i % 2 == 0 ? 4.0 : 6.0;
            assertEquals(d, rest.get(i).stimulus().delayNs());
            assertEquals(d + 1.9 + 2, rest.get(i).stopNs().orElseThrow(), 1e-9, "probe " + i);
        }
        assertEquals(3 * 2 + 1, rig.batches.size(), "iterations 0..2 in two batches each, the final row (one point) in one");
        assertEquals(3 * 11 + 3, rig.probes(), "no probe measured twice");

        TrainerTest.Run plain = TrainerTest.train(new RecordingRig(), c, DriftGuard.NONE, null, List.of(), Integer.MAX_VALUE);
        for (int k = 0; k < plain.iterations().size(); k++) {
            assertEquals(plain.iterations().get(k).train().total(), r.iterations().get(k).train().total(), 0,
                    "every spike before its stop: the same losses as one batch without stops, iteration " + k);
        }
        assertEquals(plain.end().measurements(), r.end().measurements());
    }

    @Test
    void aPerturbationThatMovesASpikePastTheStopIsReportedSilentWithItsWindowEndingThere() throws IOException {
        TrainingConfig c = TrainerTest.config(x -> {
            x.estimator = "central";
            x.optimizer = "adam";
            x.iterations = 1;
            x.initial = new LinkedHashMap<>(Map.of("r_fb", 4000.0, "iin_amp", 1.5));
            x.stopMarginNs = 0.01;
        });
        RecordingRig rig = RecordingRig.stopping();
        TrainerTest.train(rig, c, DriftGuard.NONE, null, List.of(), Integer.MAX_VALUE);
        // at the targets the base errors are 0, so the margin is the least one, 0.01 ns; central
        // differences step r_fb by 0.05 × 4000 = 200 ohm and iin_amp by 0.05 × 0.6 = 0.03 V, moving
        // n1 by ±0.04 and ±0.06 ns: the later half of the points lose n1 past the stop
        List<Probe> rest = rig.batches.get(1);
        List<StimulusResult> measured = rig.measure(rest);
        assertEquals(4, measured.stream().filter(m -> m.channels().get(1).firstSpike().isEmpty()).count(),
                "+r_fb and +iin_amp, at both delays");
        for (int i = 0; i < rest.size(); i++) {
            double d = rest.get(i).stimulus().delayNs();
            assertEquals(d + 1.9 + 0.01, rest.get(i).stopNs().orElseThrow(), 1e-9);
            double n1 = RecordingRig.firstSpikesNs(d, rest.get(i).parameters().get("r_fb"), rest.get(i).parameters().get("iin_amp"))[1];
            StimulusResult result = measured.get(i);
            assertEquals(n1 > d + 1.91, result.channels().get(1).firstSpike().isEmpty(), "probe " + i + ", n1 at " + n1);
            assertTrue(result.channels().get(0).firstSpike().isPresent());
            assertEquals(d + 1.91, result.windowNs().orElseThrow(), 1e-9);
        }
    }

    @Test
    void aTraceWithASilentChannelAtTheBaseKeepsTheWholeWindow() {
        TrainingTask task = TrainingTask.of(TrainerTest.config(x -> { }), RecordingRig.DESCRIPTION);
        PredictedStop stop = new PredictedStop(task);
        StimulusResult d4 = result(4, OptionalDouble.of(5.0), OptionalDouble.empty());
        StimulusResult d6 = result(6, OptionalDouble.of(7.3), OptionalDouble.of(8.0));
        List<OptionalDouble> stops = stop.stops(List.of(d4, d6));
        assertTrue(stops.get(0).isEmpty(), "n1 silent at the base point: its perturbations may make it fire, however late");
        // trace 6 ns: targets 7.4 and 7.9, spikes 7.3 and 8.0; largest error (both traces' fired
        // channels) 0.4 ns at 4 ns → margin max(2, 0.8) = 2 after the latest of 8.0
        assertEquals(10.0, stops.get(1).orElseThrow(), 1e-9);

        StimulusResult far = result(4, OptionalDouble.of(7.4), OptionalDouble.of(5.9));
        // n0 2 ns late at 4 ns → margin 2 × 2 = 4 ns after trace 4's latest spike or target, n0's 7.4
        assertEquals(7.4 + 4.0, stop.stops(List.of(far, d6)).get(0).orElseThrow(), 1e-9);
    }

    @Test
    void aLossThatNeedsCountsOrEnergyMeasuresTheWholeWindowAndTheRuleIsRecorded() {
        TrainingTask energy = TrainingTask.of(TrainerTest.config(x -> x.energyWeightStart = 0.1), RecordingRig.DESCRIPTION);
        assertFalse(PredictedStop.applies(energy));
        assertEquals("full_window", PredictedStop.manifestRule(energy, RecordingRig.stopping()));
        TrainingTask plain = TrainingTask.of(TrainerTest.config(x -> { }), RecordingRig.DESCRIPTION);
        assertTrue(PredictedStop.applies(plain));
        assertEquals("predicted", PredictedStop.manifestRule(plain, RecordingRig.stopping()));
        assertEquals("rig_window", PredictedStop.manifestRule(plain, new RecordingRig()), "a rig that cannot stop early");
        TrainingTask auto = TrainingTask.of(TrainerTest.config(x -> x.stopRule = "autostop"), RecordingRig.DESCRIPTION);
        assertEquals("autostop", PredictedStop.manifestRule(auto, RecordingRig.stopping()));
    }

    @Test
    void aRecordedConfigWithoutAStopRuleResumesUnderAutostopAndABadRuleNamesTheKey() {
        TrainingConfig c = TrainerTest.config(x -> { });
        assertEquals(TrainingConfig.StopRule.PREDICTED, c.estimation().stopRule());
        Map<String, Object> old = new LinkedHashMap<>(c.asMap());
        old.remove("stop_rule");
        assertEquals(TrainingConfig.StopRule.AUTOSTOP, TrainingConfig.fromMap(old, "manifest.json").estimation().stopRule(),
                "a run recorded before stop rules existed goes on as it started");
        Map<String, Object> bad = new LinkedHashMap<>(c.asMap());
        bad.put("stop_rule", "soon");
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> TrainingConfig.fromMap(bad, "t.yaml"));
        assertTrue(e.getMessage().contains("stop_rule"), e.getMessage());
        Map<String, Object> margin = new LinkedHashMap<>(c.asMap());
        margin.put("stop_margin_ns", 0);
        e = assertThrows(RigConfigurationException.class, () -> TrainingConfig.fromMap(margin, "t.yaml"));
        assertTrue(e.getMessage().contains("stop_margin_ns"), e.getMessage());
    }

    private static StimulusResult result(double delayNs, OptionalDouble n0, OptionalDouble n1) {
        List<ChannelResult> ch = List.of(channel("n0", n0), channel("n1", n1));
        return new StimulusResult(Stimulus.delay(RecordingRig.DESCRIPTION, delayNs), ch, OptionalDouble.empty(), SpikeCounts.TRUNCATED,
                OptionalDouble.of(30));
    }

    private static ChannelResult channel(String name, OptionalDouble at) {
        return ChannelResult.uncounted(name, at.isPresent() ? List.of(new Timing(at.getAsDouble(), at.getAsDouble(), "identity")) : List.of());
    }
}
