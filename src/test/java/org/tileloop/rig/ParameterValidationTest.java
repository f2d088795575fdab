package org.tileloop.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.file.RigFileLoader;

class ParameterValidationTest {

    static final RigDescription RIG = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml")).description();

    @Test
    void defaultsAreValid() {
        RIG.validate(RIG.defaults());
        assertEquals(3000, RIG.defaults().get("r_fb"));
    }

    @Test
    void overrideInsideBoundsIsKept() {
        assertEquals(4500, RIG.withOverrides(Map.of("r_fb", 4500.0)).get("r_fb"));
    }

    @Test
    void outOfBoundsIsRefusedWithRange() {
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> RIG.withOverrides(Map.of("r_fb", 6000.5)));
        assertTrue(e.getMessage().contains("r_fb = 6000.5 is outside the allowed range [2000, 6000] ohm"), e.getMessage());
        assertTrue(e.getMessage().contains("hardware safety limit [1000, 20000]"), e.getMessage());
        assertThrows(RigConfigurationException.class, () -> RIG.withOverrides(Map.of("iin_amp", 1.19)));
    }

    @Test
    void nonFiniteIsRefused() {
        assertThrows(RigConfigurationException.class, () -> RIG.withOverrides(Map.of("rleak", Double.NaN)));
        assertThrows(RigConfigurationException.class, () -> RIG.withOverrides(Map.of("rleak", Double.POSITIVE_INFINITY)));
    }

    @Test
    void unknownOrHostileNameIsRefused() {
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> RIG.withOverrides(Map.of("r_fb\n.control", 5000.0)));
        assertTrue(e.getMessage().contains("unknown parameter 'r_fb?.control'"), e.getMessage());
        assertThrows(RigConfigurationException.class, () -> RIG.validate(RIG.defaults().with("extra", 1)));
    }

    @Test
    void stimulusDelaysAreChecked() {
        RIG.validate(new Stimulus(Map.of("in0", 4.5)), 30);
        assertThrows(RigConfigurationException.class, () -> RIG.validate(new Stimulus(Map.of("in0", -1.0)), 30));
        assertThrows(RigConfigurationException.class, () -> RIG.validate(new Stimulus(Map.of("in0", 31.0)), 30));
        assertThrows(RigConfigurationException.class, () -> RIG.validate(new Stimulus(Map.of("in0", Double.NaN)), 30));
        assertThrows(RigConfigurationException.class, () -> RIG.validate(new Stimulus(Map.of("in9", 4.0)), 30));
    }
}
