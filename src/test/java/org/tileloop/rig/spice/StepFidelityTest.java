package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tileloop.rig.Probe;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;

/** A shipped rig's {@code simulator.step} keeps every first spike within its {@code timing_tolerance_ps} of the 1 ps reference. */
class StepFidelityTest {

    @ParameterizedTest
    @ValueSource(strings = {"rigs/sim-tile4.yaml", "rigs/sim-tile-wta.yaml"})
    void theRigsStepSettingStaysWithinItsToleranceOfTheFineReference(String rig) {
        RigFile file = RigFileLoader.load(Path.of(rig));
        SpiceSettings settings = file.simulator().orElseThrow();
        List<Probe> probes = StepTuner.probes(file.description(), settings.tstopNs(), 8, 20);
        StepControl coarse = new StepControl(100, StepControl.Method.TRAP, StepControl.DEFAULT_RELTOL, StepControl.DEFAULT_TRTOL,
                StepControl.DEFAULT_CHGTOL_C);
        try (StepTuner tuner = new StepTuner(file.description(), settings, Ngspice.locate())) {
            StepTuner.Run reference = tuner.run(StepControl.REFERENCE, probes);
            StepTuner.Run own = tuner.run(settings.step(), probes);
            assertEquals(0, reference.failures());
            assertEquals(0, own.failures());
            StepTuner.Deviation d = StepTuner.deviation(own, reference);
            assertTrue(d.spikes() >= probes.size(), rig + ": at least one first spike per probe, got " + d.spikes());
            assertEquals(0, d.disagreements(), rig + ": a channel fired under one setting and not the other");
            assertTrue(d.worstPs() <= settings.timingTolerancePs(), rig + ": " + settings.step().label() + " is " + d.worstPs()
                    + " ps from the reference, tolerance " + settings.timingTolerancePs() + " ps");
            assertTrue(own.iterations() < reference.iterations() / 4, "the reference is the expensive one: " + own.iterations()
                    + " vs " + reference.iterations() + " Newton iterations");
            StepTuner.Deviation far = StepTuner.deviation(tuner.run(coarse, probes), reference);
            assertFalse(far.within(settings.timingTolerancePs()), rig + ": a 100 ps step is " + far.worstPs()
                    + " ps off, so this check can tell a coarse setting apart");
        }
    }
}
