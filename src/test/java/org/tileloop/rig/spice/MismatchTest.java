package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;

/** Two simulated chips of the same design differ as two chips do, reproducibly for their seeds. */
class MismatchTest {

    static double firstN3(RigFile f) {
        try (SpiceRig rig = new SpiceRig(f.description(), f.simulator().orElseThrow(), IdentityCalibration.INSTANCE, Ngspice.locate())) {
            return rig.measure(f.description().defaults(), List.of(new Stimulus(Map.of("in0", 4.5)))).get(0)
                    .channels().get(3).firstSpike().orElseThrow().rawNs();
        }
    }

    @Test
    void seededFactorsMakeChipsDifferAndRepeatExactly() {
        RigFile chip1 = RigFileLoader.load(Path.of("rigs/sim-tile4-chip1.yaml"));
        RigFile chip2 = RigFileLoader.load(Path.of("rigs/sim-tile4-chip2.yaml"));
        double a = firstN3(chip1);
        double b = firstN3(chip2);
        double nominal = firstN3(RigFileLoader.load(Path.of("rigs/sim-tile4.yaml")));
        assertTrue(Math.abs(a - b) > 0.01 && Math.abs(a - nominal) > 0.01, a + " " + b + " " + nominal);
        assertEquals(a, firstN3(chip1), 0.0, "same seed, same chip");
        Map<String, Double> f = chip1.simulator().orElseThrow().mismatch().orElseThrow().factors();
        assertEquals(7, f.size());
        f.values().forEach(x -> assertTrue(Math.abs(x - 1) < 0.25, "5 % spread: " + x));
        assertNotEquals(f, chip2.simulator().orElseThrow().mismatch().orElseThrow().factors());
        try (SpiceRig rig = new SpiceRig(chip1.description(), chip1.simulator().orElseThrow(), IdentityCalibration.INSTANCE, Ngspice.locate())) {
            String netlist = rig.netlist(chip1.description().defaults(), new Stimulus(Map.of("in0", 4.5)));
            assertTrue(netlist.contains(".param rleak_scale0=" + NetlistRenderer.num(f.get("rleak_scale0")) + "\n"), "the factors reach the netlist as numbers");
        }
    }

    @Test
    void mismatchNeverPushesAParameterPastItsSafetyLimit() {
        RigFile f = RigFileLoader.load(Path.of("rigs/sim-tile4-chip1.yaml"));
        SpiceSettings s = f.simulator().orElseThrow();
        var spec = f.description().parameter("rleak_scale0").orElseThrow();
        Mismatch wild = null;
        for (long seed = 1; wild == null; seed++) {
            Mismatch m = new Mismatch(seed, 3.0, List.of("rleak_scale0"));
            double x = spec.defaultValue() * m.factors().get("rleak_scale0");
            if (x > spec.safetyMax() || x < spec.safetyMin()) {
                wild = m;
            }
        }
        SpiceSettings settings = s.withWorkers(1).withMismatch(java.util.Optional.of(wild));
        try (SpiceRig rig = new SpiceRig(f.description(), settings, IdentityCalibration.INSTANCE, Ngspice.locate())) {
            RigConfigurationException e = assertThrows(RigConfigurationException.class,
                    () -> rig.netlist(f.description().defaults(), new Stimulus(Map.of("in0", 4.5))));
            assertTrue(e.getMessage().contains("mismatch takes rleak_scale0 to") && e.getMessage().contains("outside the safety limits [0.25, 4]"),
                    e.getMessage());
            assertThrows(RigConfigurationException.class,
                    () -> rig.measure(f.description().defaults(), List.of(new Stimulus(Map.of("in0", 4.5)))), "nothing is simulated");
        }
    }
}
