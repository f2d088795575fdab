package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @TempDir
    Path dir;

    Path train(String name) throws Exception {
        Path out = dir.resolve(name);
        CliTest.Run r = CliTest.run("train", "rigs/sim-tile4.yaml", "--iterations", "6", "--seed", "1", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        return out.resolve("latest").toRealPath();
    }

    static double column(List<String> rows, int row, String name) {
        int c = List.of(rows.get(0).split(",", -1)).indexOf(name);
        return Double.parseDouble(rows.get(row).split(",", -1)[c]);
    }

    @Test
    void sixIterationsReduceBothLossesAndRunsAreByteIdentical() throws Exception {
        Path a = train("a");
        Path b = train("b");
        for (String f : List.of("iterations.csv", "traces.csv", "summary.md")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f + " differs between runs");
        }
        List<String> rows = Files.readAllLines(a.resolve("iterations.csv"));
        assertEquals(8, rows.size(), "header + iterations 0..6");
        for (String col : List.of("loss_train", "loss_holdout")) {
            double start = column(rows, 1, col);
            double end = column(rows, 7, col);
            assertTrue(end < 0.5 * start, col + " " + start + " -> " + end);
        }
        assertTrue(rows.get(0).contains("timing_train,missing_train,count_train,order_train,energy_train"));
        assertTrue(rows.get(0).contains("pct_timing"));
        assertTrue(rows.get(0).contains("param_r_fb,param_rleak,param_iin_amp,grad_r_fb"));
        List<String> traces = Files.readAllLines(a.resolve("traces.csv"));
        assertEquals(1 + 7 * 6 * 4, traces.size(), "iteration x (3 train + 3 holdout) x 4 channels");
        JsonNode manifest = Json.MAPPER.readTree(a.resolve("manifest.json").toFile());
        assertEquals("completed", manifest.get("status").asText());
        assertEquals(150, manifest.get("measurements").asInt());
        assertEquals(1, manifest.get("seed").asInt());
    }
}
