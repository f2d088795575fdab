package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.Unit;

class NetlistSurveyTest {

    @TempDir
    Path dir;

    static Map<String, Unit> units(NetlistSurvey s) {
        return s.parameters().stream().collect(Collectors.toMap(NetlistSurvey.Parameter::name, NetlistSurvey.Parameter::unit));
    }

    static List<String> nodes(List<NetlistSurvey.Candidate> candidates) {
        return candidates.stream().map(NetlistSurvey.Candidate::node).toList();
    }

    @Test
    void theShippedTileShowsItsParametersOutputsInputsAndSupply() {
        NetlistSurvey s = NetlistSurvey.of(Path.of("simulated-rig/neuro_tile4_coupled.cir"));
        assertEquals(List.of("rleak", "rleak_scale0", "rleak_scale1", "rleak_scale2", "rleak_scale3", "r_fb", "fb_scale01", "fb_scale12",
                "fb_scale23"), s.parameters().stream().map(NetlistSurvey.Parameter::name).toList());
        assertEquals(Unit.OHM, units(s).get("rleak"), "the first factor of {rleak*rleak_scale0} in a resistor");
        assertEquals(Unit.DIMENSIONLESS, units(s).get("rleak_scale2"));
        assertEquals(List.of("Rleak0", "Rleak1", "Rleak2", "Rleak3"), s.parameters().get(0).usedIn());
        assertEquals(List.of("o0", "o1", "o2", "o3"), nodes(s.outputs()));
        assertEquals("output 'o' of X2 (subcircuit ahneuron)", s.outputs().get(2).why());
        assertEquals(List.of(), nodes(s.otherNodes()), "a and m stay inside the subcircuit");
        assertEquals(List.of("pre0", "pre1"), nodes(s.inputs()), "pre1 reaches the tile through a diode-connected NMOS");
        assertEquals(List.of(new NetlistSurvey.Supply("VDD", "vdd", 1.8), new NetlistSurvey.Supply("VPW", "vpw", 0.78)), s.supplies());
    }

    @Test
    void theForeignExampleIsReadFromItsOwnNamesAndTopology() {
        NetlistSurvey s = NetlistSurvey.of(Path.of("simulated-rig/examples/foreign_lif.cir"));
        assertEquals(Map.of("r_leak", Unit.OHM, "w_aa", Unit.OHM, "w_ab", Unit.OHM, "w_ba", Unit.OHM, "w_bb", Unit.OHM), units(s));
        assertEquals(List.of("fire_a", "fire_b"), nodes(s.outputs()), "comparator node c2 and inverter node q feed the next stage");
        assertEquals(List.of("in_a", "in_b"), nodes(s.inputs()));
        assertEquals("nothing drives it; reached through Rw_aa, Rw_ab", s.inputs().get(0).why());
        assertEquals(List.of("VSUP", "VTH", "VBN"), s.supplies().stream().map(NetlistSurvey.Supply::source).toList());
        assertEquals(3.3, s.supplies().get(0).volts());
    }

    Path write(String text) throws IOException {
        Path f = dir.resolve("t.cir");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aFlatNetlistGetsUnitsFromEachElementAndOnlyTheLastInverterAsOutput() throws IOException {
        NetlistSurvey s = NetlistSurvey.of(write("""
                .model n nmos level=1
                .model p pmos level=1
                Vcc vcc 0 DC 3
                Vb bias 0 {v_bias}
                Ib vcc mem {i_bias}
                Cmem mem 0 {c_mem}
                Lx mem m2 {l_x}
                Rx m2 0 {2*r_x + r_y}
                Rg stim mem {r_in * scale}
                M1 a mem vcc vcc p w={w_p}
                M2 a mem 0 0 n
                M3 out a vcc vcc p
                M4 out a 0 0 n
                Rz vcc 0 {c_mem*100}
                """));
        assertEquals(Map.of("v_bias", Unit.VOLT, "i_bias", Unit.AMPERE, "c_mem", Unit.DIMENSIONLESS, "l_x", Unit.HENRY,
                "r_x", Unit.OHM, "r_y", Unit.OHM, "r_in", Unit.OHM, "scale", Unit.DIMENSIONLESS, "w_p", Unit.DIMENSIONLESS), units(s));
        NetlistSurvey.Parameter cMem = s.parameters().stream().filter(p -> p.name().equals("c_mem")).findFirst().orElseThrow();
        assertEquals("used as F and ohm in Cmem, Rz: check the unit", cMem.note(), "c_mem is a capacitance and a resistance");
        assertEquals(List.of("out"), nodes(s.outputs()));
        assertEquals(List.of("a"), nodes(s.otherNodes()));
        assertEquals(List.of("stim"), nodes(s.inputs()), "mem is driven by Ib; bias by Vb");
        assertEquals(List.of(new NetlistSurvey.Supply("Vcc", "vcc", 3)), s.supplies(), "Vb's value is a parameter, not a DC level");
    }

    @Test
    void whatARigFileCannotDeclareOrTileloopGeneratesIsRefusedWithTheLine() throws IOException {
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> NetlistSurvey.of(write("* x\nR1 a 0 {Rin}\n")));
        assertTrue(e.getMessage().endsWith("t.cir:2: parameter 'Rin' cannot be declared in a rig file (names: a-z first, then a-z 0-9 _,"
                + " at most 32 characters); rename it in the template"), e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> NetlistSurvey.of(write("R1 a 0 1k\nVin in 0 PULSE(0 1 1n 1n 1n 5n 20n)\n")));
        assertTrue(e.getMessage().endsWith("t.cir:2: source vin has a waveform; tileloop generates every input pulse from the rig file:"
                + " delete this line and rig new makes node 'in' an input"), e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> NetlistSurvey.of(write("R1 a 0 {exp(r)}\n")));
        assertTrue(e.getMessage().endsWith("t.cir:1: expression {exp(r)} calls 'exp'; expressions may use only parameter names, numbers and + - * / ( )"),
                e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> NetlistSurvey.of(write("R1 a 0 1k\n.tran 1n 10n\n")));
        assertTrue(e.getMessage().contains("t.cir:2: '.tran' is not allowed in a netlist template"), e.getMessage());
    }
}
