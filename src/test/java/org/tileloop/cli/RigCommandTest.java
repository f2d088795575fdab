package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFileLoader;

/** {@code rig new} and {@code rig check}, and the way from someone else's netlist to a trained rig. */
class RigCommandTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path FOREIGN = Path.of("simulated-rig/examples/foreign_lif.cir");

    @TempDir
    Path dir;

    /** A checkout-like layout in the temp dir: the example netlist where it ships, an empty rigs/. */
    Path layout() throws IOException {
        Path netlist = Files.createDirectories(dir.resolve("simulated-rig/examples")).resolve("foreign_lif.cir");
        Files.copy(FOREIGN, netlist);
        Files.createDirectories(dir.resolve("rigs/training"));
        return netlist;
    }

    CliTest.Run scaffold(Path netlist, Path out) {
        CliTest.Run r = CliTest.run("rig", "new", "--netlist", netlist.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    @Test
    void theScaffoldOfAForeignNetlistNamesWhatTheNetlistShowsAndLeavesBoundsTodo() throws Exception {
        Path out = dir.resolve("rigs/foreign-lif.yaml");
        CliTest.Run r = scaffold(layout(), out);
        assertEquals("wrote " + out + ": 5 template parameters, 2 output candidates, 2 inputs; 41 TODO to fill in, then: tileloop rig check "
                + out, r.err().strip());
        String text = Files.readString(out);
        for (String line : List.of("id: foreign-lif", "  netlist: ../simulated-rig/examples/foreign_lif.cir   # relative to this file",
                "  supply_source: VSUP   # guessed: 3.3 V to ground; other DC sources: VTH 1.1 V, VBN 0.95 V", "  supply_node: vcc",
                "  - {name: w_ab, unit: ohm, min: TODO, max: TODO, default: TODO, safety_min: TODO, safety_max: TODO, trainable: true}   # the value of Rw_ab",
                "  - {name: in_b_amp, unit: V, min: TODO, max: TODO, default: TODO, safety_min: TODO, safety_max: TODO}   # pulse level of input in_b (at most the supply, 3.3 V)",
                "  - {name: fire_a, node: fire_a, threshold_v: 1.65, hysteresis_v: 0.55}   # output 'fire' of XA (subcircuit cmplif)",
                "  - {name: in_a, source: V_IN_A, node: in_a, amplitude_parameter: in_a_amp, rise_ns: TODO, width_ns: TODO}   # nothing drives it; reached through Rw_aa, Rw_ab")) {
            assertTrue(text.lines().anyMatch(line::equals), "missing line: " + line + "\n" + text);
        }
    }

    @Test
    void aForeignNetlistBecomesATrainedRigWithOnlyItsTodosFilledIn() throws Exception {
        Path out = dir.resolve("rigs/foreign-lif.yaml");
        scaffold(layout(), out);
        String shipped = Files.readString(Path.of("rigs/foreign-lif.yaml"));
        String filled = fillTodos(Files.readString(out), YAML.readTree(Path.of("rigs/foreign-lif.yaml").toFile()));
        String tunedStep = shipped.lines().filter(l -> l.startsWith("  step: ")).findFirst().orElseThrow();
        assertTrue(tunedStep.endsWith("   # from: tileloop rig tune-step foreign-lif"), tunedStep);
        filled = filled.replaceFirst("(?m)^  step: .*$", java.util.regex.Matcher.quoteReplacement(tunedStep));
        assertEquals(shipped, filled.replace(dir + "/", ""),
                "the shipped rig is the scaffold with its TODOs filled in and the step line rig tune-step printed, nothing else");
        Files.writeString(out, filled);

        CliTest.Run check = CliTest.run("rig", "check", out.toString());
        assertEquals(0, check.exit(), check.out() + check.err());
        List<String> lines = check.out().lines().toList();
        assertEquals(8, lines.size(), check.out());
        assertTrue(lines.subList(0, 7).stream().allMatch(l -> l.startsWith("PASS  ")), check.out());
        assertTrue(lines.get(6).endsWith("every channel spikes: fire_a (in_a), fire_b (in_a)"), check.out());
        assertEquals("rig check: all 7 checks passed", lines.get(7));

        Path config = dir.resolve("rigs/training/foreign-lif.yaml");
        Files.copy(Path.of("rigs/training/foreign-lif.yaml"), config);
        CliTest.Run train = CliTest.run("train", "--rig", out.toString(), "--iterations", "2", "--runs-dir", dir.resolve("runs").toString(),
                "--calibration-dir", dir.resolve("cal").toString());
        assertEquals(0, train.exit(), train.err());
        List<String> rows = Files.readAllLines(dir.resolve("runs/latest/iterations.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int train0 = header.indexOf("loss_train_ns2");
        int holdout0 = header.indexOf("loss_holdout_ns2");
        double first = Double.parseDouble(rows.get(1).split(",")[train0]);
        double last = Double.parseDouble(rows.get(rows.size() - 1).split(",")[train0]);
        double holdoutFirst = Double.parseDouble(rows.get(1).split(",")[holdout0]);
        double holdoutLast = Double.parseDouble(rows.get(rows.size() - 1).split(",")[holdout0]);
        assertTrue(first > 0.05 && last < first / 10, "train loss " + first + " -> " + last);
        assertTrue(holdoutLast < holdoutFirst / 10, "holdout loss " + holdoutFirst + " -> " + holdoutLast);
    }

    /** Replaces each TODO of a scaffold, in file order, by the value at the same place in {@code values}. */
    static String fillTodos(String scaffold, JsonNode values) throws IOException {
        List<String> pointers = new ArrayList<>();
        todoPointers(YAML.readTree(scaffold), "", pointers);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (String pointer : pointers) {
            int at = scaffold.indexOf(": TODO", from) + 2;
            JsonNode v = values.at(pointer);
            assertFalse(v.isMissingNode() || v.isTextual(), pointer + " has no number in the filled rig");
            out.append(scaffold, from, at).append(v.asText());
            from = at + 4;
        }
        assertEquals(-1, scaffold.indexOf(": TODO", from), "every TODO has a key");
        return out.append(scaffold.substring(from)).toString();
    }

    private static void todoPointers(JsonNode node, String pointer, List<String> out) {
        if (node.isTextual() && node.asText().equals("TODO")) {
            out.add(pointer);
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> todoPointers(e.getValue(), pointer + "/" + e.getKey(), out));
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            todoPointers(node.get(i), pointer + "/" + i, out);
        }
    }

    @Test
    void anUnfilledTodoIsRefusedNamingItsKey() throws Exception {
        Path out = dir.resolve("rigs/foreign-lif.yaml");
        scaffold(layout(), out);
        CliTest.Run describe = CliTest.run("describe", "--rig", out.toString());
        assertEquals(2, describe.exit());
        assertEquals("error: " + out + ": invalid rig file: simulator.tstop_ns: still TODO: replace it with a value"
                + " (see simulated-rig/README.md, \"Your own tile\"); 40 more TODO in this file", describe.err().strip());
        String filled = fillTodos(Files.readString(out), YAML.readTree(Path.of("rigs/foreign-lif.yaml").toFile()));
        Files.writeString(out, filled.replace("{name: w_ab, unit: ohm, min: 5000", "{name: w_ab, unit: ohm, min: TODO"));
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> RigFileLoader.load(out));
        assertEquals(out + ": invalid rig file: parameters[2] (w_ab).min: still TODO: replace it with a value"
                + " (see simulated-rig/README.md, \"Your own tile\")", e.getMessage());
        CliTest.Run check = CliTest.run("rig", "check", out.toString());
        assertEquals(2, check.exit());
        assertEquals(List.of("FAIL  rig file         " + e.getMessage(),
                "rig check: 1 of 1 checks failed; the other checks did not run"), check.out().lines().toList());
    }

    @Test
    void rigNewNeverOverwritesAndWritesToRigsIdByDefault() throws Exception {
        byte[] shipped = Files.readAllBytes(Path.of("rigs/foreign-lif.yaml"));
        CliTest.Run r = CliTest.run("rig", "new", "--netlist", FOREIGN.toString());
        assertEquals(2, r.exit());
        assertEquals("error: rigs/foreign-lif.yaml: already exists; rig new does not overwrite files (choose another --out)", r.err().strip());
        assertEquals(new String(shipped), Files.readString(Path.of("rigs/foreign-lif.yaml")));
        Path mine = dir.resolve("mine.yaml");
        Files.writeString(mine, "keep\n");
        r = CliTest.run("rig", "new", "--netlist", FOREIGN.toString(), "--out", mine.toString());
        assertEquals(2, r.exit());
        assertEquals("keep\n", Files.readString(mine));
        r = CliTest.run("rig", "new", "--netlist", FOREIGN.toString(), "--out", dir.resolve("no/such/dir/x.yaml").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().strip().endsWith("/no/such/dir does not exist (create it, or choose another --out)"), r.err());
    }

    @Test
    void rigNewRefusesEveryUnsafeTemplateOfTheHostileCorpusWithItsOneLineError() throws Exception {
        Set<String> needARig = Set.of("028-input-source-defined.yaml", "029-undeclared-parameter.yaml", "034-missing-channel-node.yaml");
        List<Path> cases;
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/hostile/netlist-template"))) {
            cases = files.filter(f -> f.toString().endsWith(".yaml") && !needARig.contains(f.getFileName().toString())).sorted().toList();
        }
        assertTrue(cases.size() >= 40, cases.toString());
        for (Path c : cases) {
            JsonNode spec = YAML.readTree(c.toFile());
            Path d = Files.createDirectories(dir.resolve(c.getFileName().toString().replace(".yaml", "")));
            Map<String, String> vars = Map.of("@DIR@", d.toString(), "@CANARY@", d.resolve("canary").toString(),
                    "@REPO@", HostileCorpusTest.REPO.toString());
            HostileFiles.write(spec.path("files"), d, vars);
            CliTest.Run r = CliTest.run("rig", "new", "--netlist", d.resolve("t.cir").toString(), "--out", d.resolve("new.yaml").toString());
            assertEquals(2, r.exit(), c + ": " + r.err());
            assertEquals(1, r.err().lines().count(), c + ": " + r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
            for (JsonNode expected : spec.path("expect")) {
                assertTrue(r.err().contains(HostileFiles.substitute(expected.asText(), vars)), c + ": lacks " + expected + ": " + r.err());
            }
            assertFalse(Files.exists(d.resolve("new.yaml")), c + ": a rig file was written");
            assertFalse(Files.exists(d.resolve("canary")), c + ": the canary was created");
        }
    }

    @Test
    void checkPassesOnTheShippedTile() {
        CliTest.Run check = CliTest.run("rig", "check", "sim-tile4");
        assertEquals(0, check.exit(), check.out() + check.err());
        List<String> lines = check.out().lines().toList();
        assertEquals("PASS  rig file         rigs/sim-tile4.yaml: schema and rules (11 parameters, 4 channels, 2 inputs)", lines.get(0));
        assertTrue(lines.get(2).startsWith("PASS  operating point  v(vdd) = 1.800 V, supply "), lines.get(2));
        assertTrue(lines.get(2).endsWith("channels at rest: n0 0.000 V, n1 0.000 V, n2 0.000 V, n3 0.000 V"), lines.get(2));
        assertTrue(lines.get(3).matches("PASS  stimulus         in0 at 5 ns: n0 6\\.\\d{3} ns \\(\\d\\), n1 6\\.\\d{3} ns \\(\\d\\), "
                + "n2 7\\.\\d{3} ns \\(\\d\\), n3 7\\.\\d{3} ns \\(\\d\\)"), lines.get(3));
        assertEquals("PASS  stimulus         in1 at 5 ns: n0 - (0), n1 - (0), n2 - (0), n3 - (0) (no channel spikes)", lines.get(4),
                "the coincidence input alone stays below threshold");
        assertEquals("PASS  channels         every channel spikes: n0 (in0), n1 (in0), n2 (in0), n3 (in0)", lines.get(6));
        assertEquals("rig check: all 7 checks passed", lines.get(7));
    }

    @Test
    void checkFailsOnABrokenRigWithALinePerProblem() throws Exception {
        String rig = Files.readString(Path.of("rigs/sim-tile4.yaml"))
                .replace("../simulated-rig/", Path.of("simulated-rig").toAbsolutePath() + "/")
                .replace("  - {name: n3, node: o3, threshold_v: 0.9, hysteresis_v: 0.3}\n", "  - {name: n3, node: o3, threshold_v: 0.9, hysteresis_v: 0.3}\n"
                        + "  - {name: bias, node: vpw, threshold_v: 0.9}\n  - {name: rail, node: vdd, threshold_v: 0.9}\n")
                .replace("parameters:\n", "parameters:\n  - {name: knob, unit: \"1\", min: 0, max: 1, default: 0.5, safety_min: 0, safety_max: 1}\n");
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, rig);
        CliTest.Run check = CliTest.run("rig", "check", file.toString());
        assertEquals(Main.EXIT_MEASUREMENT, check.exit(), check.out() + check.err());
        List<String> lines = check.out().lines().toList();
        assertTrue(lines.get(1).startsWith("FAIL  template         ") && lines.get(1).endsWith("neuro_tile4_coupled.cir: parameter knob declared"
                + " but never used in the template or as an input amplitude (training it would change nothing)"), lines.get(1));
        assertEquals("FAIL  operating point  rail rests at 1.800 V, at or above its threshold_v 0.900 V (it would never count a spike)", lines.get(2));
        assertEquals("FAIL  channels         bias, rail never spike in these stimuli at the defaults: check the node, threshold_v and the defaults",
                lines.get(lines.size() - 2));
        assertEquals("rig check: 3 of 7 checks failed", lines.get(lines.size() - 1));
    }

    @Test
    void checkOfAnUnsafeTemplateSaysWhichFileAndLine() throws Exception {
        Path t = dir.resolve("t.cir");
        Files.writeString(t, Files.readString(Path.of("simulated-rig/neuro_tile4_coupled.cir")) + ".control\nshell touch x\n.endc\n");
        Path file = dir.resolve("r.yaml");
        Files.writeString(file, Files.readString(Path.of("rigs/sim-tile4.yaml")).replace("../simulated-rig/neuro_tile4_coupled.cir", "t.cir"));
        CliTest.Run check = CliTest.run("rig", "check", file.toString());
        assertEquals(2, check.exit());
        List<String> lines = check.out().lines().toList();
        assertEquals("PASS  rig file         " + file + ": schema and rules", lines.get(0));
        assertTrue(lines.get(1).startsWith("FAIL  template         " + t + ":47: '.control' is not allowed in a netlist template"), lines.get(1));
    }
}
