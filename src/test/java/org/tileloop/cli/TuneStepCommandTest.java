package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.spice.StepTable;

/** {@code rig tune-step}: the table, the chosen setting and its advice, and refused input. */
class TuneStepCommandTest {

    private static final Pattern ROW = Pattern.compile(
            "^\\| ([0-9.]+) \\| (trap|gear) \\| ([0-9.e-]+) \\| ([0-9.]+) \\| ([0-9.e-]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| (\\d+) \\| ([0-9.]+) \\| ([0-9.]+) \\| (.*) \\|$");

    @Test
    void printsOneRowPerSettingMarksTheCheapestWithinToleranceAndIsDeterministic() {
        CliTest.Run r = CliTest.run("rig", "tune-step", "sim-tile4", "--vectors", "2", "--seed", "3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("tune-step: reference 1 ps gear"), r.err());
        List<Matcher> rows = r.out().lines().map(ROW::matcher).filter(Matcher::matches).toList();
        assertEquals(StepTable.grid().size() + 1, rows.size(), "grid, then the half-step reference check:\n" + r.out());
        Matcher untuned = rows.stream().filter(m -> m.group(11).contains("untuned")).findFirst().orElseThrow();
        assertEquals("10", untuned.group(1));
        assertEquals(1.0, Double.parseDouble(untuned.group(9)), 1e-9, "costs are relative to the untuned setting");
        Matcher half = rows.get(rows.size() - 1);
        assertTrue(Double.parseDouble(half.group(6)) < 0.2, "the reference agrees with half its step: " + half.group());
        assertTrue(Double.parseDouble(half.group(9)) > 5, "and costs far more than the untuned setting: " + half.group());
        List<Matcher> chosen = rows.stream().filter(m -> m.group(11).contains("**chosen: cheapest within 1 ps**")).toList();
        assertEquals(1, chosen.size(), r.out());
        Matcher c = chosen.get(0);
        assertTrue(Double.parseDouble(c.group(6)) <= 1 && c.group(8).equals("0"), c.group());
        double cost = Double.parseDouble(c.group(9));
        for (Matcher m : rows.subList(0, rows.size() - 1)) {
            if (Double.parseDouble(m.group(6)) <= 1 && m.group(8).equals("0")) {
                assertTrue(Double.parseDouble(m.group(9)) >= cost, "a cheaper row within tolerance: " + m.group());
            }
        }
        Matcher coarse = rows.stream().filter(m -> m.group(1).equals("100") && m.group(3).equals("0.001")).findFirst().orElseThrow();
        assertTrue(Double.parseDouble(coarse.group(6)) > 5, "100 ps with ngspice's defaults is far off: " + coarse.group());
        assertTrue(r.out().contains("Put in rigs/sim-tile4.yaml, under simulator:\n  step: {max_ps: " + c.group(1) + ", method: "
                + c.group(2) + ", reltol: " + c.group(3) + ", trtol: " + c.group(4) + ", chgtol_c: " + c.group(5) + "}\n"), r.out());
        CliTest.Run again = CliTest.run("rig", "tune-step", "sim-tile4", "--vectors", "2", "--seed", "3");
        assertEquals(r.out(), again.out(), "same rig, seed and probe count: the same table");
    }

    @Test
    void refusesBadVectorsAndRigsThatAreNotSimulated() {
        CliTest.Run zero = CliTest.run("rig", "tune-step", "sim-tile4", "--vectors", "0");
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("--vectors must be in [1, 1000], got 0"), zero.err());
        CliTest.Run bench = CliTest.run("rig", "tune-step", "bench-emulated");
        assertEquals(2, bench.exit());
        assertTrue(bench.err().strip().startsWith("error: rigs/bench-emulated.yaml: rig bench-emulated is not simulated"), bench.err());
        assertEquals(1, bench.err().strip().lines().count(), bench.err());
    }
}
