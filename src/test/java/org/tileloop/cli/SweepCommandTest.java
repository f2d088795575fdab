package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.SvgCheck;

class SweepCommandTest {

    @TempDir
    Path dir;

    @Test
    void aGridSweepWritesATidyCsvAndAHeatmapAndRunningItAgainMeasuresNothing() throws Exception {
        String[] args = {"sweep", "--rig", "rigs/sim-tile4.yaml", "--grid", "r_fb=2000:6000:3,rleak=25000:80000:3", "--delays", "4.5,6",
            "--out", dir.resolve("s").toString()};
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("sweep sim-tile4: r_fb 2000..6000 (3) x rleak 25000..80000 (3); in0 at 4.5, 6 ns: 9 points"), r.out());
        assertTrue(r.out().contains("measured 9 points (18 measurements)"), r.out());
        List<String[]> rows = org.tileloop.CsvCheck.rectangular(dir.resolve("s/points.csv"));
        assertEquals(List.of("point", "r_fb", "rleak", "delay_ns", "channel", "first_spike_ns", "first_spike_raw_ns", "spike_count", "energy_pj"),
                List.of(rows.get(0)));
        assertEquals(1 + 9 * 2 * 4, rows.size());
        assertEquals(List.of("8", "6000", "80000", "6", "n3"), List.of(rows.get(rows.size() - 1)).subList(0, 5));
        double first = Double.parseDouble(rows.get(1)[5]);
        assertTrue(first > 4.5 && first < 8, "n0 fires after the 4.5 ns pulse: " + first);
        SvgCheck svg = SvgCheck.read(dir.resolve("s/heatmap-r_fb-rleak.svg"));
        assertTrue(svg.strings().contains("sim-tile4: n3 latency over r_fb and rleak"), svg.strings().toString());
        assertTrue(svg.strings().contains("n3 latency (ns)"), svg.strings().toString());

        byte[] before = Files.readAllBytes(dir.resolve("s/points.csv"));
        CliTest.Run again = CliTest.run(args);
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("continued: 9 of 9 points were already measured") && again.out().contains("measured 0 points"), again.out());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(dir.resolve("s/points.csv")), "nothing measured again");
    }

    @Test
    void badSweepsAreRefusedOnOneLine() {
        for (String[] bad : new String[][] {
            {"--grid", "r_fb=2000:6000:3", "--random", "5"},
            {"--grid", "r_fbx=2000:6000:3"},
            {"--grid", "r_fb=2000:6000"},
            {"--random", "5", "--ranges", "r_fb=6000:2000"},
            {"--grid", "r_fb=2000:6000:3", "--set", "r_fb=3000"},
        }) {
            List<String> args = new java.util.ArrayList<>(List.of("sweep", "--rig", "rigs/sim-tile4.yaml", "--out", dir.resolve("bad").toString()));
            args.addAll(List.of(bad));
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
        }
    }
}
