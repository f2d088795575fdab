package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;

/**
 * The breakpoint stop on real ngspice ends a first-spikes transient where ngspice's autostop did,
 * bit for bit, including probes with a silent channel; a channel that starts above its threshold
 * never ends the run.
 */
class FirstSpikeStopTest {

    private static final RigFile FILE = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml"));

    @Test
    void breakpointsEndTheTransientWhereAutostopDidWithTheSameSpikesBitForBit() {
        SpiceSettings settings = FILE.simulator().orElseThrow();
        List<Probe> probes = StepTuner.probes(FILE.description(), settings.tstopNs(), 24, 5);
        StepTuner.Run breakpoints;
        StepTuner.Run autostop;
        try (StepTuner tuner = new StepTuner(FILE.description(), settings, Ngspice.locate())) {
            breakpoints = tuner.run(settings.step(), probes);
        }
        try (StepTuner tuner = new StepTuner(FILE.description(), settings.withFirstSpikeEnd(SpiceSettings.FirstSpikeEnd.AUTOSTOP), Ngspice.locate())) {
            autostop = tuner.run(settings.step(), probes);
        }
        int silent = 0;
        for (int i = 0; i < probes.size(); i++) {
            assertArrayEquals(autostop.firstNs()[i], breakpoints.firstNs()[i], 0, "probe " + i);
            for (double t : breakpoints.firstNs()[i]) {
                silent += Double.isNaN(t) ? 1 : 0;
            }
        }
        assertTrue(silent > 0 && silent < 4 * probes.size(), silent + " silent channels: the set must hold both kinds");
        assertEquals(0, breakpoints.failures());
        assertEquals(autostop.timepoints(), breakpoints.timepoints(), "the same timepoints: the run ends at the same place");
        assertEquals(autostop.iterations(), breakpoints.iterations());
    }

    @Test
    void theRigMeasuresTheSameUnderBothStopsAndAChannelStartingAboveItsThresholdRunsToTheWindowEnd() {
        SpiceSettings settings = FILE.simulator().orElseThrow();
        RigDescription d = FILE.description();
        List<ChannelSpec> channels = new ArrayList<>(d.channels());
        ChannelSpec n3 = channels.get(3);
        channels.set(3, new ChannelSpec(n3.name(), n3.node(), -0.5, 0.3));
        RigDescription above = new RigDescription(d.id(), d.kind(), d.description(), d.parameters(), channels, d.inputs());
        Probe probe = new Probe(d.defaults(), new Stimulus(Map.of("in0", 4.5)), Probe.Window.FIRST_SPIKES);
        List<StimulusResult> results = new ArrayList<>();
        for (RigDescription rig : List.of(d, above)) {
            for (SpiceSettings.FirstSpikeEnd end : SpiceSettings.FirstSpikeEnd.values()) {
                try (SpiceRig r = new SpiceRig(rig, settings.withFirstSpikeEnd(end), IdentityCalibration.INSTANCE, Ngspice.locate())) {
                    results.add(r.measure(List.of(probe)).get(0));
                }
            }
        }
        assertEquals(results.get(1), results.get(0), "autostop and breakpoints, every channel firing");
        assertEquals(results.get(3), results.get(2), "autostop and breakpoints, a channel above its threshold at rest");
        assertTrue(results.get(0).channels().stream().allMatch(c -> c.firstSpike().isPresent()));
        assertFalse(results.get(2).channels().get(3).firstSpike().isPresent(), "starts above: never a first crossing");
        for (int c = 0; c < 3; c++) {
            assertEquals(results.get(0).channels().get(c).firstSpike(), results.get(2).channels().get(c).firstSpike(), "channel " + c);
        }
    }

    @Test
    void aSimulatedRigWhoseChannelNodeIsAnExpressionWordIsRefusedOnLoad(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path rig = dir.resolve("r.yaml");
        java.nio.file.Files.writeString(rig, java.nio.file.Files.readString(Path.of("rigs/sim-tile4.yaml"))
                .replace("{name: n0, node: o0,", "{name: n0, node: and,")
                .replace("../simulated-rig/", Path.of("simulated-rig").toAbsolutePath() + "/"));
        org.tileloop.rig.RigConfigurationException e = assertThrows(org.tileloop.rig.RigConfigurationException.class, () -> RigFileLoader.load(rig));
        assertTrue(e.getMessage().contains("channels[0].node") && e.getMessage().contains("'and'"), e.getMessage());
    }

    @Test
    void commandsNameOnlyPlainNodesAndExactNumbers() {
        ChannelSpec ok = new ChannelSpec("n0", "o0", 0.9, 0.3);
        String commands = FirstSpikeStop.commands(List.of(ok), 2.5e-8);
        String end = FirstSpikeStop.number(2.5e-8 * (1 - 1e-9));
        assertTrue(commands.startsWith("stop when v(o0) > 0.9 when time > 0 when time < " + end + "\nrun\n"), commands);
        assertTrue(FirstSpikeStop.commands(List.of(ok, new ChannelSpec("n1", "o1", 0.5, 0.1)), 1e-8).startsWith("stop when v(o1) > 0.5 when"),
                "the last channel is armed first");
        assertTrue(commands.endsWith("resume\nend\ndelete all\n"), commands);
        assertEquals(2.5e-8 * (1 - 1e-9), Double.parseDouble(FirstSpikeStop.number(2.5e-8 * (1 - 1e-9))), 0);
        for (String node : List.of("o0;shell", "o0\nshell ls", "v(o0)", "", "0o", "and", "GT", "tl_all")) {
            assertThrows(IllegalArgumentException.class, () -> FirstSpikeStop.commands(List.of(new ChannelSpec("n0", node, 0.9, 0.3)), 1e-8), node);
        }
        assertThrows(IllegalArgumentException.class, () -> FirstSpikeStop.number(Double.NaN));
        assertEquals(FirstSpikeStop.WHOLE_WINDOW, FirstSpikeStop.commands(List.of(), 1e-8));
    }
}
