package org.tileloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;

class TrainingConfigTest {

    @TempDir
    Path dir;

    @Test
    void targetsFromCsvFollowTheHeaderAndAllowBlankCells() throws Exception {
        Files.writeString(dir.resolve("t.csv"), "delay_ns,n1,n0,n2,n3\n4.5,6.2,5.8,6.6,7.0\n9.0,10.7,10.3,,11.5\n");
        Files.writeString(dir.resolve("c.yaml"), "targets_csv: t.csv\n");
        TrainingConfig c = TrainingConfig.load(dir.resolve("c.yaml"));
        assertEquals(List.of("n1", "n0", "n2", "n3"), c.task().targetChannels());
        assertEquals(List.of(6.2, 5.8, 6.6, 7.0), c.task().targetsNs().get("4.5"));
        assertEquals(Arrays.asList(10.7, 10.3, null, 11.5), c.task().targetsNs().get("9"));
        TrainingConfig again = TrainingConfig.fromMap(c.asMap(), "manifest");
        assertEquals(c.task().targetsNs(), again.task().targetsNs());
        assertEquals(c.task().targetChannels(), again.task().targetChannels());
    }

    @Test
    void badCsvAndConflictingTargetsAreNamedErrors() throws Exception {
        Files.writeString(dir.resolve("t.csv"), "delay_ns,n0\n4.5,abc\n");
        Files.writeString(dir.resolve("c.yaml"), "targets_csv: t.csv\n");
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> TrainingConfig.load(dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("t.csv: line 2: n0: 'abc' is not a number"), e.getMessage());

        Files.writeString(dir.resolve("t.csv"), "delay,n0\n4.5,1\n");
        e = assertThrows(RigConfigurationException.class, () -> TrainingConfig.load(dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("header must be delay_ns"), e.getMessage());

        Files.writeString(dir.resolve("c.yaml"), "targets_csv: t.csv\ntargets_ns: {\"4.5\": [1, 2, 3, 4]}\n");
        e = assertThrows(RigConfigurationException.class, () -> TrainingConfig.load(dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());

        Files.writeString(dir.resolve("c.yaml"), "iterations: 0\n");
        e = assertThrows(RigConfigurationException.class, () -> TrainingConfig.load(dir.resolve("c.yaml")));
        assertTrue(e.getMessage().endsWith("c.yaml: invalid training config: iterations: 0 is outside the allowed range [1, 100000]"), e.getMessage());

        Files.writeString(dir.resolve("c.yaml"), "iteratons: 3\n");
        e = assertThrows(RigConfigurationException.class, () -> TrainingConfig.load(dir.resolve("c.yaml")));
        assertTrue(e.getMessage().endsWith("c.yaml: invalid training config: iteratons: unknown key (did you mean `iterations`?)"),
                e.getMessage());
    }

    @Test
    void everyShippedConfigPassesTheSchemaAndItsRecordedCopyToo() throws Exception {
        try (var files = Files.list(Path.of("rigs/training"))) {
            List<Path> configs = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(configs.size() >= 10, configs.toString());
            for (Path f : configs) {
                TrainingConfig c = TrainingConfig.load(f);
                assertEquals(c.asMap(), TrainingConfig.fromMap(c.asMap(), f + " (recorded)").asMap(), f.toString());
            }
        }
    }
}
