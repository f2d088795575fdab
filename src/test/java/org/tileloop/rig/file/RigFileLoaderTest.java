package org.tileloop.rig.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigKind;

class RigFileLoaderTest {

    static final Path SHIPPED = Path.of("rigs/sim-tile4.yaml");

    @TempDir
    Path dir;

    /** Writes the shipped rig file with one textual replacement into {@code dir}, next to a copy of the netlist. */
    Path variant(String from, String to) throws IOException {
        String text = Files.readString(SHIPPED);
        assertTrue(text.contains(from), "fixture text not found: " + from);
        Files.createDirectories(dir.resolve("simulated-rig"));
        Files.copy(Path.of("simulated-rig/neuro_tile4_coupled.cir"), dir.resolve("simulated-rig/neuro_tile4_coupled.cir"));
        Files.createDirectories(dir.resolve("rigs"));
        Path file = dir.resolve("rigs/bad.yaml");
        Files.writeString(file, text.replace(from, to));
        return file;
    }

    String errorFor(String from, String to) throws IOException {
        Path file = variant(from, to);
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> RigFileLoader.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void loadsShippedRig() {
        RigFile file = RigFileLoader.load(SHIPPED);
        RigDescription d = file.description();
        assertEquals("sim-tile4", d.id());
        assertEquals(RigKind.SIMULATED, d.kind());
        assertEquals(4, d.channels().size());
        assertEquals(2, d.inputs().size());
        ParameterSpec rfb = d.parameter("r_fb").orElseThrow();
        assertEquals(3000, rfb.defaultValue());
        assertEquals(2000, rfb.min());
        assertEquals(6000, rfb.max());
        assertEquals(java.util.List.of("r_fb", "rleak", "iin_amp"),
                d.parameters().stream().filter(ParameterSpec::trainable).map(ParameterSpec::name).toList());
        assertEquals(30.0, file.simulator().orElseThrow().tstopNs());
        assertEquals(64, file.sha256().length());
    }

    @Test
    void unknownKeyIsNamed() throws IOException {
        String msg = errorFor("  tstop_ns: 30", "  tstop_ns: 30\n  tstopp_ns: 40");
        assertTrue(msg.contains("simulator.tstopp_ns: unknown key"), msg);
    }

    @Test
    void missingKeyIsNamed() throws IOException {
        String msg = errorFor("  supply_node: vdd\n", "");
        assertTrue(msg.contains("simulator.supply_node: missing (required)"), msg);
    }

    @Test
    void defaultOutsideBoundsNamesKeyAndRange() throws IOException {
        String msg = errorFor("max: 6000,  default: 3000", "max: 6000,  default: 9000");
        assertTrue(msg.contains("parameters[0].default"), msg);
        assertTrue(msg.contains("9000 is outside the allowed range [2000, 6000] ohm"), msg);
    }

    @Test
    void boundsMustLieInsideSafetyLimits() throws IOException {
        String msg = errorFor("max: 1.8,   default: 1.4,   safety_min: 0.0,   safety_max: 1.8,    trainable: true",
                "max: 2.5,   default: 1.4,   safety_min: 0.0,   safety_max: 1.8,    trainable: true");
        assertTrue(msg.contains("parameters[2]: bounds [1.2, 2.5] must lie inside the safety limits [0, 1.8]"), msg);
    }

    @Test
    void schemaRangeViolationIsNamed() throws IOException {
        String msg = errorFor("tstop_ns: 30", "tstop_ns: 20000");
        assertTrue(msg.contains("simulator.tstop_ns"), msg);
        assertTrue(msg.contains("10000"), msg);
    }

    @Test
    void wrongTypeIsNamed() throws IOException {
        String msg = errorFor("threshold_v: 0.9, hysteresis_v: 0.3}\n  - {name: n1", "threshold_v: high, hysteresis_v: 0.3}\n  - {name: n1");
        assertTrue(msg.contains("channels[0].threshold_v"), msg);
    }

    @Test
    void nodeNameWithNetlistSyntaxIsRefused() throws IOException {
        String msg = errorFor("node: o0,", "node: \"o0)\\n.control\",");
        assertTrue(msg.contains("channels[0].node"), msg);
    }

    @Test
    void duplicateParameterName() throws IOException {
        String msg = errorFor("name: rleak_scale1", "name: rleak_scale0");
        assertTrue(msg.contains("parameters[4].name: duplicate name 'rleak_scale0'"), msg);
    }

    @Test
    void amplitudeParameterMustExist() throws IOException {
        String msg = errorFor("amplitude_parameter: iin1_amp", "amplitude_parameter: nope");
        assertTrue(msg.contains("inputs[1].amplitude_parameter: 'nope' is not a parameter"), msg);
    }

    @Test
    void missingNetlistFile() throws IOException {
        String msg = errorFor("neuro_tile4_coupled.cir", "missing.cir");
        assertTrue(msg.contains("simulator.netlist: file"), msg);
    }

    @Test
    void yamlSyntaxErrorGivesLine() throws IOException {
        String msg = errorFor("kind: simulated", "kind: [simulated");
        assertTrue(msg.contains("not valid YAML"), msg);
        assertTrue(msg.contains("line"), msg);
    }

    @Test
    void missingFile() {
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> RigFileLoader.load(dir.resolve("nope.yaml")));
        assertTrue(e.getMessage().contains("nope.yaml: rig file not found"), e.getMessage());
    }

    @Test
    void benchRigFilesLoadAndUnsafeGpioIsRefused() throws IOException {
        RigFile real = RigFileLoader.load(Path.of("rigs/bench-tile4.yaml"));
        assertEquals(RigKind.BENCH, real.description().kind());
        var b = real.bench().orElseThrow();
        assertEquals("/dev/tileloop-bench0", b.device());
        assertEquals("gpiod", b.gpio().platform());
        assertEquals(23, b.gpio().interlockPin());
        assertTrue(b.gpio().interlockActiveLow());
        assertEquals(1.8, real.description().parameter("iin_amp").orElseThrow().safetyMax());
        assertEquals("mock", RigFileLoader.load(Path.of("rigs/bench-emulated.yaml")).bench().orElseThrow().gpio().platform());

        String text = Files.readString(Path.of("rigs/bench-tile4.yaml"));
        Path mockOnReal = dir.resolve("mock.yaml");
        Files.writeString(mockOnReal, text.replace("platform: gpiod", "platform: mock"));
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> RigFileLoader.load(mockOnReal));
        assertTrue(e.getMessage().contains("bench.gpio.platform: mock GPIO has no real interlock"), e.getMessage());
        Path noPin = dir.resolve("nopin.yaml");
        Files.writeString(noPin, text.replace("    interlock_pin: 23\n", ""));
        e = assertThrows(RigConfigurationException.class, () -> RigFileLoader.load(noPin));
        assertTrue(e.getMessage().contains("bench.gpio.interlock_pin: missing"), e.getMessage());
        Path badBaud = dir.resolve("baud.yaml");
        Files.writeString(badBaud, text.replace("baud: 115200", "baud: 12"));
        e = assertThrows(RigConfigurationException.class, () -> RigFileLoader.load(badBaud));
        assertTrue(e.getMessage().contains("bench.baud"), e.getMessage());
    }
}
