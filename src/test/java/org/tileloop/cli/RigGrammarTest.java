package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command of README's tables that acts on a rig takes --rig as a rig id and as a rig file, with the same result. */
class RigGrammarTest {

    @TempDir
    Path dir;

    private static CliTest.Run ok(String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r.out() + r.err());
        assertEquals("", r.err().lines().filter(l -> l.contains("deprecated") || l.startsWith("error")).reduce("", String::concat),
                String.join(" ", args));
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"describe", "measure", "netlist", "sensitivity"})
    void rigCommandsGiveTheSameOutputForAnIdAndAFile(String command) throws Exception {
        List<String> extra = switch (command) {
            case "measure" -> List.of("--delays", "4.5,7.5", "--json");
            case "netlist" -> List.of("--delays", "4.5");
            case "sensitivity" -> List.of("--delays", "4.5,6", "--json");
            default -> List.of("--json");
        };
        List<String> byId = new ArrayList<>(List.of(command, "--rig", "sim-tile4"));
        byId.addAll(extra);
        List<String> byFile = new ArrayList<>(List.of(command, "--rig", "rigs/sim-tile4.yaml"));
        byFile.addAll(extra);
        String a = ok(byId.toArray(String[]::new)).out();
        String b = ok(byFile.toArray(String[]::new)).out();
        assertEquals(a, b);
        if (command.equals("sensitivity")) {
            assertEquals(2 * 3 * 4, a.lines().count(), "2 delays x 3 trainable parameters x 4 channels:\n" + a);
            JsonNode first = org.tileloop.cli.Json.MAPPER.readTree(a.lines().findFirst().orElseThrow());
            assertEquals(4.5, first.get("delay_ns").asDouble());
            assertTrue(Math.abs(first.get("dt_ps_per_pct").asDouble()) > 0.1, first.toString());
        }
    }

    @Test
    void anUnknownRigIdListsTheRigsThatExist() {
        CliTest.Run r = CliTest.run("describe", "--rig", "sim-tile9");
        assertEquals(2, r.exit());
        assertEquals("error: --rig sim-tile9: no rig with that id in rigs/ (rigs: bench-emulated, bench-emulated-chip1, bench-tile4, digital-detector, foreign-lif, sim-tile-wta, sim-tile4,"
                + " sim-tile4-chain, sim-tile4-chip1, sim-tile4-chip2, sim-tile4-noisy)", r.err().strip());
        CliTest.Run file = CliTest.run("describe", "--rig", "rigs/nope.yaml");
        assertEquals("error: rigs/nope.yaml: rig file not found", file.err().strip());
    }

    @Test
    void trainTakesTheRigBothWaysAndTheConfigByName() throws Exception {
        CliTest.Run byId = ok("train", "--rig", "sim-tile4", "--config", "sim-tile4-patterns", "--iterations", "1",
                "--runs-dir", dir.resolve("a").toString());
        CliTest.Run byFile = ok("train", "--rig", "rigs/sim-tile4.yaml", "--config", "rigs/training/sim-tile4-patterns.yaml",
                "--iterations", "1", "--runs-dir", dir.resolve("b").toString());
        assertEquals(Files.readString(dir.resolve("a/latest/traces.csv")), Files.readString(dir.resolve("b/latest/traces.csv")));
        assertTrue(Files.readString(dir.resolve("a/latest/traces.csv")).contains(",solo-early"), "the patterns config was used");
        CliTest.Run old = CliTest.run("train", "rigs/sim-tile4.yaml", "--iterations", "1", "--out", dir.resolve("c").toString());
        assertEquals(0, old.exit(), old.err());
        assertTrue(old.err().contains("warning: the positional RIG is deprecated and goes away in the next release; use --rig rigs/sim-tile4.yaml"),
                old.err());
        assertTrue(old.err().contains("warning: --out is deprecated"), old.err());
        assertTrue(Files.isRegularFile(dir.resolve("c/latest/summary.md")));
        assertTrue(byId.out().startsWith("artifacts: "), byId.out());
        assertTrue(!byId.out().contains(Path.of("").toAbsolutePath().toString()), "no absolute path: " + byId.out());
        assertTrue(!byFile.out().contains(Path.of("").toAbsolutePath().toString()), "no absolute path: " + byFile.out());
    }

    @Test
    void calibrateAndCalibrationTakeTheRigBothWays() throws Exception {
        Path cal = dir.resolve("cal");
        ok("calibrate", "--rig", "sim-tile4-chain", "--calibration-dir", cal.toString());
        CliTest.Run listId = ok("calibration", "list", "--rig", "sim-tile4-chain", "--calibration-dir", cal.toString(), "--json");
        CliTest.Run listFile = ok("calibration", "list", "--rig", "rigs/sim-tile4-chain.yaml", "--calibration-dir", cal.toString(), "--json");
        assertEquals(listId.out(), listFile.out());
        JsonNode record = Json.MAPPER.readTree(listId.out().lines().findFirst().orElseThrow());
        assertTrue(record.get("current").asBoolean());
        String id = record.get("id").asText();
        CliTest.Run showId = ok("calibration", "show", "current", "--rig", "sim-tile4-chain", "--calibration-dir", cal.toString());
        CliTest.Run showFile = ok("calibration", "show", "current", "--rig", "rigs/sim-tile4-chain.yaml", "--calibration-dir", cal.toString());
        CliTest.Run showAlias = ok("calibration", "show", "sim-tile4-chain/current", "--calibration-dir", cal.toString());
        CliTest.Run showExact = ok("calibration", "show", id, "--calibration-dir", cal.toString());
        assertEquals(showExact.out(), showId.out());
        assertEquals(showExact.out(), showFile.out());
        assertEquals(showExact.out(), showAlias.out());
        assertTrue(showExact.out().startsWith("calibration " + id), showExact.out());
        CliTest.Run none = CliTest.run("calibration", "show", "current", "--rig", "sim-tile4", "--calibration-dir", cal.toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("error: rig sim-tile4 has no current calibration in "), none.err());
    }

    @Test
    void compareTakesRigIdsAndFiles() throws Exception {
        CliTest.Run ids = ok("compare", "--rig", "sim-tile4,digital-detector", "--config", "sim-tile4", "--clocks", "1", "--bits", "8",
                "--out", dir.resolve("ids").toString(), "--json");
        CliTest.Run files = ok("compare", "--rig", "rigs/sim-tile4.yaml", "--rig", "rigs/digital-detector.yaml", "--clocks", "1", "--bits", "8",
                "--out", dir.resolve("files").toString(), "--json");
        assertEquals(ids.out(), files.out());
        List<String> rows = ids.out().lines().toList();
        assertEquals(2, rows.size(), ids.out());
        assertEquals("sim-tile4", Json.MAPPER.readTree(rows.get(0)).get("rig").asText());
        assertEquals("1 GHz, 8 bit", Json.MAPPER.readTree(rows.get(1)).get("variant").asText());
    }

    @Test
    void anOldSpellingTogetherWithItsReplacementIsRefused() {
        for (List<String> args : List.of(List.of("train", "--rig", "sim-tile4", "--out", "a", "--runs-dir", "b"),
                List.of("sensitivity", "--rig", "sim-tile4", "--delay", "5", "--delays", "6"),
                List.of("netlist", "--rig", "sim-tile4", "--delay", "5", "--delays", "6"),
                List.of("compare", "--rig", "sim-tile4", "--rigs", "digital-detector"),
                List.of("train", "rigs/sim-tile4.yaml", "--rig", "sim-tile4"))) {
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), args + ": " + r.err());
            assertEquals(1, r.err().lines().count(), args + ": one line: " + r.err());
            assertTrue(r.err().startsWith("error: give "), args + ": " + r.err());
        }
        assertTrue(Files.notExists(Path.of("a")) && Files.notExists(Path.of("b")), "nothing ran");
    }
}
