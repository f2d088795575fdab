package org.tileloop.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.calibration.CalibrationStore;

/** On the shipped sim-tile4 task every perturbed spike lands before its predicted stop: the same run as autostop, recorded as such. */
class PredictedStopRunTest {

    @TempDir
    Path dir;

    @Test
    void thePredictedStopChangesNothingButTimeOnTheShippedTask() throws Exception {
        Path predicted = config("predicted");
        Path autostop = config("autostop");
        Path a = run(predicted, "a");
        Path b = run(autostop, "b");
        assertEquals(withoutTime(b.resolve("iterations.csv")), withoutTime(a.resolve("iterations.csv")));
        for (String f : List.of("traces.csv", "summary.md")) {
            assertArrayEquals(Files.readAllBytes(b.resolve(f)), Files.readAllBytes(a.resolve(f)), f);
        }
        ObjectMapper json = new ObjectMapper();
        assertEquals("predicted", json.readTree(a.resolve("manifest.json").toFile()).get("stop_rule").asText());
        assertEquals("autostop", json.readTree(b.resolve("manifest.json").toFile()).get("stop_rule").asText());
        assertEquals(json.readTree(a.resolve("manifest.json").toFile()).get("measurements"),
                json.readTree(b.resolve("manifest.json").toFile()).get("measurements"));
    }

    /** iterations.csv without its wall-clock {@code time} column. */
    private static List<String> withoutTime(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        int col = List.of(lines.get(0).split(",")).indexOf("time");
        return lines.stream().map(l -> {
            List<String> cells = new java.util.ArrayList<>(List.of(l.split(",", -1)));
            cells.remove(col);
            return String.join(",", cells);
        }).toList();
    }

    private Path config(String rule) throws Exception {
        Path c = dir.resolve(rule + ".yaml");
        Files.writeString(c, Files.readString(Path.of("rigs/training/sim-tile4.yaml")).replaceAll("(?m)^iterations:.*$", "iterations: 2")
                + "\nstop_rule: " + rule + "\n");
        return c;
    }

    private Path run(Path config, String runs) throws Exception {
        TrainingRun r = TrainingRun.create(Path.of("rigs/sim-tile4.yaml"), config, null, null, dir.resolve(runs),
                new CalibrationStore(dir.resolve("cal")), false, "test", new TrainingRun.Build("test", Optional.empty()));
        assertEquals(RunStatus.COMPLETED, r.execute(List.of(), Optional::empty, new PrintWriter(new StringWriter())).stop().status());
        return r.runDir();
    }
}
