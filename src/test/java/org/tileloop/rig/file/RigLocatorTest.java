package org.tileloop.rig.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;

/** How --rig and --config values become files: local rigs/ first, then the checkout's; mismatches and broken files are named. */
class RigLocatorTest {

    @TempDir
    Path dir;

    private Path copyRig(Path rigs, String id) throws Exception {
        Files.createDirectories(rigs);
        String text = Files.readString(Path.of("rigs/sim-tile4.yaml")).replaceFirst("(?m)^id: sim-tile4$", "id: " + id)
                .replace("../simulated-rig/", Path.of("simulated-rig").toAbsolutePath() + "/");
        Path f = rigs.resolve(id + ".yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void anIdIsLookedUpInTheLocalRigsFirstThenInTheCheckout() throws Exception {
        Path local = dir.resolve("here/rigs");
        Path local1 = copyRig(local, "my-tile");
        RigLocator locator = new RigLocator(List.of(local, Path.of("rigs")));
        assertEquals(local1, locator.rigFile("my-tile", "--rig"));
        assertEquals(Path.of("rigs/sim-tile4.yaml"), locator.rigFile("sim-tile4", "--rig"));
        assertEquals(Path.of("elsewhere/x.yaml"), locator.rigFile("elsewhere/x.yaml", "--rig"), "a file is taken as named");
        assertTrue(locator.ids().containsAll(List.of("my-tile", "sim-tile4", "digital-detector")), locator.ids().toString());
    }

    @Test
    void aFileNamedLikeTheIdWithAnotherIdOrBrokenIsReportedNotSkipped() throws Exception {
        Path local = dir.resolve("rigs");
        Path f = copyRig(local, "other");
        Files.move(f, local.resolve("sim-tile4.yaml"));
        RigLocator locator = new RigLocator(List.of(local, Path.of("rigs")));
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> locator.rigFile("sim-tile4", "--rig"));
        assertTrue(e.getMessage().endsWith("sim-tile4.yaml is rig other, not sim-tile4; give the file, or fix its id"), e.getMessage());
        Files.writeString(local.resolve("sim-tile4.yaml"), "id: [\n");
        e = assertThrows(RigConfigurationException.class, () -> locator.rigFile("sim-tile4", "--rig"));
        assertTrue(e.getMessage().contains("sim-tile4.yaml: not valid YAML"), e.getMessage());
    }

    @Test
    void aDaemonTakesTrainingConfigsByNameAndFilesOnlyFromItsTrainingDirectory() throws Exception {
        RigLocator locator = new RigLocator(List.of(Path.of("rigs")));
        assertEquals("sim-tile4-patterns", locator.trainingConfigName("sim-tile4-patterns", "--config"));
        assertEquals("sim-tile4-patterns", locator.trainingConfigName("rigs/training/sim-tile4-patterns.yaml", "--config"));
        Path elsewhere = Files.createDirectories(dir.resolve("training")).resolve("sim-tile4-patterns.yaml");
        Files.copy(Path.of("rigs/training/sim-tile4-patterns.yaml"), elsewhere);
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> locator.trainingConfigName(elsewhere.toString(), "--config"));
        assertTrue(e.getMessage().endsWith("a daemon takes training configs by name from its rigs/training/; give a name such as sim-tile4-patterns"),
                e.getMessage());
        assertEquals(Path.of("rigs/training/sim-tile4-xor.yaml"), RigLocator.trainingConfig("sim-tile4-xor", Path.of("rigs/sim-tile4.yaml"), "--config"));
        e = assertThrows(RigConfigurationException.class, () -> RigLocator.trainingConfig("nope", Path.of("rigs/sim-tile4.yaml"), "--config"));
        assertTrue(e.getMessage().startsWith("--config nope: no training config of that name beside the rig (names: bench-emulated, "), e.getMessage());
    }
}
