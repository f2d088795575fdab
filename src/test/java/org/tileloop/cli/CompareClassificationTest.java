package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.CsvCheck;

/** {@code compare} on classification configs: accuracies side by side, and a config a rig cannot express refused up front. */
class CompareClassificationTest {

    @TempDir
    Path dir;

    @Test
    void xorOnTheChainTileAndTheDigitalChainReportsAccuracies() throws Exception {
        CliTest.Run r = CliTest.run("compare", "--rig", "sim-tile4,digital-detector", "--config", "sim-tile4-xor", "--clocks", "1", "--bits", "8",
                "--out", dir.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (String line : lines) {
            var o = Json.MAPPER.readTree(line);
            assertEquals(0.5, o.get("accuracy_holdout").asDouble(), 1e-9, "a chain's n0 always fires first: half the XOR patterns: " + line);
            assertTrue(o.get("latency_ns").asDouble() > 0, line);
        }
        List<String[]> rows = CsvCheck.rectangular(dir.resolve("compare.csv"));
        List<String> header = Arrays.asList(rows.get(0));
        assertTrue(header.containsAll(List.of("accuracy_train", "accuracy_holdout")), header.toString());
        String md = Files.readString(dir.resolve("compare.md"));
        assertTrue(md.contains("the same holdout accuracy 50.0 %"), md);
        assertTrue(Files.readString(dir.resolve("compare.svg")).contains("Accuracy against energy"));
    }

    @Test
    void aConfigTheDigitalDetectorCannotExpressIsRefusedBeforeAnyRigTrains() {
        CliTest.Run r = CliTest.run("compare", "--rig", "sim-tile-wta,digital-detector", "--config", "sim-tile-wta-order",
                "--out", dir.resolve("out").toString());
        assertEquals(2, r.exit());
        assertEquals("error: rigs/training/sim-tile-wta-order.yaml: trainable[0]: 'w00' is not a parameter of rig digital-detector\n", r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing trained, nothing written");
    }

    @Test
    void timingTasksLeaveTheAccuracyCellsEmpty() throws Exception {
        CliTest.Run r = CliTest.run("compare", "--rig", "digital-detector", "--clocks", "1", "--bits", "8", "--out", dir.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Json.MAPPER.readTree(r.out().lines().findFirst().orElseThrow()).get("accuracy_holdout").isNull(), r.out());
        String[] row = CsvCheck.rectangular(dir.resolve("compare.csv")).get(1);
        assertEquals("", row[4]);
        assertTrue(Files.readString(dir.resolve("compare.svg")).contains("Timing error against energy"));
    }
}
