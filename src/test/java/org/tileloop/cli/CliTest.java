package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;
import picocli.CommandLine;

class CliTest {

    record Run(int exit, String out, String err) {
    }

    @TempDir
    Path dir;

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @AfterEach
    void clearNgspiceOverride() {
        System.clearProperty("tileloop.ngspice");
    }

    @Test
    void helpListsEverySubcommandAndVersionWorks() {
        Run help = run("--help");
        assertEquals(0, help.exit());
        for (String cmd : List.of("describe", "measure", "netlist", "sensitivity")) {
            assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith(cmd + " ")), cmd + " missing from:\n" + help.out());
        }
        Run version = run("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("tileloop "), version.out());
    }

    @Test
    void failuresAreOneLineAndDebugAddsTheTrace() throws Exception {
        Path rig = dir.resolve("r.yaml");
        Files.writeString(rig, "id: x\nid: y\n");
        Run plain = run("describe", "--rig", rig.toString());
        assertEquals(2, plain.exit());
        assertEquals("error: " + rig + ": not valid YAML: Duplicate field 'id' at id (line 2)", plain.err().strip());
        CommandLine cl = Main.commandLine(true);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("describe", "--rig", rig.toString()));
        assertTrue(err.toString().startsWith("error: " + rig + ": not valid YAML") && err.toString().contains("\tat org.tileloop."),
                err.toString());
        Run badOption = run("train", "--iterations", "x");
        assertEquals(2, badOption.exit());
        assertEquals("error: Invalid value for option '--iterations': 'x' is not an int (see: tileloop train --help)",
                badOption.err().strip());
    }

    @Test
    void describeJson() throws Exception {
        Run r = run("describe", "--rig", "rigs/sim-tile4.yaml", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = Json.MAPPER.readTree(r.out());
        JsonNode rfb = root.get("parameters").get(0);
        assertEquals("r_fb", rfb.get("name").asText());
        assertEquals("ohm", rfb.get("unit").asText());
        assertEquals(2000, rfb.get("min").asDouble());
        assertEquals(6000, rfb.get("max").asDouble());
        assertEquals(3000, rfb.get("default").asDouble());
        assertEquals(4, root.get("channels").size());
        assertEquals("o3", root.get("channels").get(3).get("node").asText());
        assertEquals(0.9, root.get("channels").get(0).get("threshold_v").asDouble());
    }

    @Test
    void measureJsonHasFourFirstSpikesPerDelay() throws Exception {
        Run r = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5,5.5,7.5,6.5,9.0,10.5", "--json");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(6, lines.size());
        double[] delays = {4.5, 5.5, 7.5, 6.5, 9.0, 10.5};
        for (int i = 0; i < lines.size(); i++) {
            JsonNode o = Json.MAPPER.readTree(lines.get(i));
            assertEquals(delays[i], o.get("delay_ns").asDouble());
            assertTrue(o.get("energy_pj").asDouble() > 0);
            JsonNode ch = o.get("channels");
            assertEquals(4, ch.size());
            for (int c = 0; c < 4; c++) {
                JsonNode n = ch.get(c);
                assertEquals("n" + c, n.get("name").asText());
                double first = n.get("first_spike_ns").asDouble();
                assertTrue(first > delays[i] && first < delays[i] + 5, "first spike " + first);
                assertEquals(first, n.get("first_spike_raw_ns").asDouble());
                assertEquals("identity", n.get("calibration_id").asText());
                assertEquals(n.get("spike_count").asInt(), n.get("spike_times_ns").size());
                assertEquals(first, n.get("spike_times_ns").get(0).asDouble());
            }
        }
    }

    @Test
    void measureReportsTheFullWindowSpikeCountInJsonAndTable() throws Exception {
        RigFile file = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml"));
        List<Stimulus> stimuli = List.of(Stimulus.delay(file.description(), 4.5), Stimulus.delay(file.description(), 9.0));
        List<StimulusResult> full;
        try (SpiceRig rig = new SpiceRig(file.description(), file.simulator().orElseThrow(), IdentityCalibration.INSTANCE,
                Ngspice.locate())) {
            full = rig.measure(stimuli.stream().map(s -> new Probe(file.description().defaults(), s, Probe.Window.FULL)).toList());
        }
        Run json = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5,9.0", "--json");
        assertEquals(0, json.exit(), json.err());
        Run table = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5,9.0");
        assertEquals(0, table.exit(), table.err());
        List<String> rows = table.out().lines().skip(1).limit(2).toList();
        int more = 0;
        for (int i = 0; i < 2; i++) {
            JsonNode ch = Json.MAPPER.readTree(json.out().lines().toList().get(i)).get("channels");
            List<String> printed = java.util.regex.Pattern.compile("\\((\\d+|-)\\)").matcher(rows.get(i)).results()
                    .map(m -> m.group(1)).toList();
            for (int c = 0; c < 4; c++) {
                int count = full.get(i).channels().get(c).spikeCount().orElseThrow();
                assertTrue(count >= 1);
                assertEquals(count, ch.get(c).get("spike_count").asInt(), "delay " + stimuli.get(i).delayNs() + " n" + c);
                assertEquals(Integer.toString(count), printed.get(c), rows.get(i));
                more += count > 1 ? 1 : 0;
            }
        }
        assertTrue(more > 0, "some channel fires more than once, so a first-spikes count would differ");
    }

    @Test
    void netlistIsCompleteAndUsesOverrides() {
        Run r = run("netlist", "--rig", "rigs/sim-tile4.yaml", "--delay", "4.5", "--set", "r_fb=4500");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(".param r_fb=4.500000000000e+03\n"));
        assertTrue(r.out().contains("* time axis shifted: stimulus time = ngspice time + 4.45 ns"), r.out());
        assertTrue(r.out().contains("V_PRE0 pre0 0 PULSE(0 1.400000000000e+00 5.000000000000e-11"), "in0 at 4.5 ns = 0.05 ns after the shift");
        assertTrue(r.out().contains(".tran 1.200000000000e-11 2.555000000000e-08 "), "the window still ends at 30 ns stimulus time");
        assertTrue(r.out().contains("\n.options method=trap reltol=1.000000000000e-03 trtol=7.000000000000e+00 chgtol=1.000000000000e-14\n"),
                "the rig file's step setting: " + r.out());
        assertTrue(r.out().contains(".meas tran first_n3 WHEN v(o3)="));
        assertTrue(r.out().endsWith(".end\n"));
        assertFalse(r.out().toLowerCase().contains(".control"));
    }

    @Test
    void outOfBoundsParameterIsRefusedBeforeAnythingRuns() {
        Run r = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5", "--set", "r_fb=12000");
        assertEquals(Main.EXIT_CONFIG, r.exit());
        assertTrue(r.err().contains("r_fb = 12000 is outside the allowed range [2000, 6000] ohm"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void injectionAttemptIsRefusedAndNothingExecutes() {
        Path pwned = dir.resolve("pwned");
        String hostile = "r_fb=1k\n.control\nshell touch " + pwned + "\n.endc";
        for (String cmd : List.of("measure", "netlist")) {
            Run r = cmd.equals("measure")
                    ? run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5", "--set", hostile)
                    : run("netlist", "--rig", "rigs/sim-tile4.yaml", "--delay", "4.5", "--set", hostile);
            assertEquals(Main.EXIT_CONFIG, r.exit(), cmd);
            assertTrue(r.err().contains("is not a plain number"), r.err());
            assertEquals("", r.out());
        }
        Run name = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5", "--set", ".control\nshell touch " + pwned + "=1");
        assertEquals(Main.EXIT_CONFIG, name.exit());
        assertFalse(Files.exists(pwned), "the hostile shell command ran");
    }

    @Test
    void missingNgspiceGivesInstallHint() {
        System.setProperty("tileloop.ngspice", dir.resolve("no-such-ngspice").toString());
        Run r = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5");
        assertEquals(Main.EXIT_UNAVAILABLE, r.exit());
        assertTrue(r.err().contains("ngspice not found"), r.err());
        assertTrue(r.err().contains("sudo apt-get install -y ngspice"), r.err());
    }

    Path fakeNgspice(String script) throws Exception {
        Path fake = dir.resolve("fake-ngspice");
        Files.writeString(fake, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        return fake;
    }

    /** A fake {@code ngspice -p}: answers the worker's end-of-run marker, plus {@code cases} (sh case arms on the command line). */
    static String pipe(String cases) {
        return "while read -r line; do case \"$line\" in " + cases + " \"echo @@tileloop-done\"*) echo \"${line#echo }\";; esac; done";
    }

    @Test
    void aCrashedWorkerIsReplacedAndTheMeasurementRetriedOnce() throws Exception {
        Path flag = dir.resolve("crashed-once");
        System.setProperty("tileloop.ngspice", fakeNgspice("if [ ! -e " + flag + " ]; then touch " + flag + "; "
                + pipe("run) exit 1;;") + "; fi\nexec " + org.tileloop.rig.spice.Ngspice.locate().executable() + " \"$@\"").toString());
        Run r = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5", "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.exists(flag), "the first worker ran and died");
        JsonNode n0 = Json.MAPPER.readTree(r.out()).get("channels").get(0);
        assertEquals(5.9553, n0.get("first_spike_ns").asDouble(), 1e-4, "the retry on a fresh worker gives the real result");
    }

    @Test
    void nonConvergenceBecomesAMeasurementError() throws Exception {
        System.setProperty("tileloop.ngspice", fakeNgspice(pipe(
                "run) echo 'doAnalyses: TRAN:  Timestep too small; time = 4.19e-13, timestep = 1.25e-23: trouble with node \"m0\"';"
                        + " echo 'run simulation(s) aborted';;")).toString());
        Run r = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5");
        assertEquals(Main.EXIT_MEASUREMENT, r.exit());
        assertTrue(r.err().contains("ngspice failed (non-convergence)"), r.err());
        assertTrue(r.err().contains("Timestep too small"), r.err());
    }

    @Test
    void hungSimulatorTimesOut() throws Exception {
        Path rig = dir.resolve("rig.yaml");
        Files.writeString(rig, Files.readString(Path.of("rigs/sim-tile4.yaml"))
                .replace("timeout_s: 60", "timeout_s: 1")
                .replace("../simulated-rig/", Path.of("simulated-rig").toAbsolutePath() + "/"));
        System.setProperty("tileloop.ngspice", fakeNgspice("exec sleep 30").toString());
        Run r = run("measure", "--rig", rig.toString(), "--delays", "4.5");
        assertEquals(Main.EXIT_MEASUREMENT, r.exit());
        assertTrue(r.err().contains("did not finish within 1.0 s") && r.err().contains("twice"), r.err());
    }

    @Test
    void truncatedResultsAreAnErrorNotNaN() throws Exception {
        System.setProperty("tileloop.ngspice", fakeNgspice(pipe(
                "write*) set -- $line; printf 'Title: x\\nFlags: real\\nNo. Variables: 2\\nNo. Points: 100\\nVariables:\\n\\t0\\ttime\\ttime\\n\\t1\\tv(o0)\\tvoltage\\nBinary:\\n' > \"$2\";;")).toString());
        Run r = run("measure", "--rig", "rigs/sim-tile4.yaml", "--delays", "4.5");
        assertEquals(Main.EXIT_MEASUREMENT, r.exit());
        assertTrue(r.err().contains("unreadable ngspice results: raw file truncated"), r.err());
    }

    @Test
    void sensitivityTableHasEveryTrainableParameter() {
        Run r = run("sensitivity", "--rig", "rigs/sim-tile4.yaml");
        assertEquals(0, r.exit(), r.err());
        for (String p : List.of("r_fb", "rleak", "iin_amp")) {
            assertTrue(r.out().contains("| " + p + " |"), r.out());
        }
        assertFalse(r.out().contains("no spike"), r.out());
    }
}
