package org.tileloop.rig.digital;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.cli.Main;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;

class DigitalDetectorRigTest {

    static final RigFile FILE = RigFileLoader.load(Path.of("rigs/digital-detector.yaml"));

    static StimulusResult at(double ghz, int bits, double delayNs) {
        DigitalSettings base = FILE.digital().orElseThrow();
        DigitalDetectorRig rig = new DigitalDetectorRig(FILE.description(),
                new DigitalSettings(ghz, bits, base.tstopNs(), base.addPj32(), base.multPj32(), base.regFjPerBit()));
        return rig.measure(FILE.description().defaults(), List.of(new Stimulus(Map.of("in0", delayNs)))).get(0);
    }

    static List<Double> spikes(StimulusResult r, int channel) {
        return r.channels().get(channel).spikes().stream().map(t -> t.rawNs()).toList();
    }

    @Test
    void handComputedSpikeTrainsAtOneGigahertz() {
        // in0 at 4.5 ns: its current (0.85 V / 8 kOhm) lifts the membrane past 0.9 V within one 1 ns tick, so n0
        // fires at the first tick after onset (5), then again after 0.4 + 0.8 ns of pulse and refractory rounded
        // up to ticks (7, 9, 11, 13) until the 10 ns input pulse ends; each next neuron sees the previous one's
        // output from the next clock on: one stage per clock.
        StimulusResult r = at(1, 8, 4.5);
        assertEquals(List.of(5.0, 7.0, 9.0, 11.0, 13.0), spikes(r, 0));
        assertEquals(List.of(6.0, 8.0, 10.0, 12.0, 14.0), spikes(r, 1));
        assertEquals(8.0, spikes(r, 3).get(0));
    }

    @Test
    void firstSpikesAreQuantisedToTheClock() {
        for (double ghz : new double[] {0.5, 2, 5}) {
            for (double delay : new double[] {4.5, 5.3, 7.77}) {
                StimulusResult r = at(ghz, 8, delay);
                for (int c = 0; c < 4; c++) {
                    for (double t : spikes(r, c)) {
                        double ticks = t * ghz;
                        assertEquals(Math.rint(ticks), ticks, 1e-9, ghz + " GHz, spike at " + t);
                    }
                }
                assertTrue(spikes(r, 0).get(0) > delay && spikes(r, 0).get(0) <= delay + 2 / ghz + 1, "n0 fires after its input");
            }
        }
    }

    @Test
    void energyIsTicksTimesNeuronsTimesThePerOperationModel() {
        // 1 GHz, 30 ns window: 30 ticks x 4 neurons x (3.1 pJ (8/32)^2 + 3 x 0.1 pJ x 8/32 + 1.5 fJ x 8)
        double perNeuronTick = 3.1 * 0.0625 + 3 * 0.025 + 0.012;
        assertEquals(30 * 4 * perNeuronTick, at(1, 8, 4.5).energyPj().getAsDouble(), 1e-9);
        assertEquals(2 * 30 * 4 * perNeuronTick, at(2, 8, 4.5).energyPj().getAsDouble(), 1e-9, "twice the clock, twice the ticks");
        double wide = 3.1 * 0.25 + 3 * 0.05 + 0.024;
        assertEquals(30 * 4 * wide, at(1, 16, 4.5).energyPj().getAsDouble(), 1e-9);
    }

    @TempDir
    Path dir;

    @Test
    void compareReportsBothRigsAndWhereEachWins() throws Exception {
        var out = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertEquals(0, cl.execute("compare", "--clocks", "1,5", "--bits", "8", "--out", dir.toString()), out.toString());
        String md = Files.readString(dir.resolve("compare.md"));
        assertTrue(md.contains("| sim-tile4 | simulated |") && md.contains("| digital-detector | 5 GHz, 8 bit |"), md);
        assertTrue(md.contains("**Where each wins.**") && md.contains("analog better in"), md);
        List<String[]> rows = org.tileloop.CsvCheck.rectangular(dir.resolve("compare.csv"));
        assertEquals(1 + 3, rows.size());
        assertTrue(rows.stream().anyMatch(r -> r[1].equals("5 GHz, 8 bit")), "a cell with a comma is one quoted cell");
        assertTrue(Files.readString(dir.resolve("compare.svg")).contains("<svg"));
    }
}
