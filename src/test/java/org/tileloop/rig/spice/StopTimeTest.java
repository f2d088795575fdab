package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;

/** A probe's stop time on the real simulated rig: the transient ends there, spikes before it are unchanged. */
class StopTimeTest {

    @Test
    void theTransientEndsAtTheStopAndEverySpikeBeforeItIsBitForBitTheSame() {
        RigFile f = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml"));
        Stimulus s = new Stimulus(Map.of("in0", 4.5, "in1", 7.0));
        Probe open = new Probe(f.description().defaults(), s, Probe.Window.FIRST_SPIKES);
        try (SpiceRig rig = new SpiceRig(f.description(), f.simulator().orElseThrow(), IdentityCalibration.INSTANCE, Ngspice.locate())) {
            StimulusResult whole = rig.measure(List.of(open)).get(0);
            double[] t = new double[4];
            for (int c = 0; c < 4; c++) {
                t[c] = whole.channels().get(c).firstSpike().orElseThrow().rawNs();
            }
            assertTrue(t[0] < t[1] && t[1] < t[2] && t[2] < t[3], "the chain fires in order: " + java.util.Arrays.toString(t));
            assertEquals(30, whole.windowNs().orElseThrow(), 0, "no stop: the rig's tstop_ns");

            double between = (t[1] + t[2]) / 2;
            List<StimulusResult> r = rig.measure(List.of(open.stoppingAt(t[3] + 1), open.stoppingAt(between), open.stoppingAt(1)));
            for (int c = 0; c < 4; c++) {
                assertEquals(t[c], r.get(0).channels().get(c).firstSpike().orElseThrow().rawNs(), 0, "stop after every spike, channel " + c);
            }
            assertEquals(t[3] + 1, r.get(0).windowNs().orElseThrow(), 1e-12);
            for (int c = 0; c < 2; c++) {
                assertEquals(t[c], r.get(1).channels().get(c).firstSpike().orElseThrow().rawNs(), 0, "fired before the stop, channel " + c);
            }
            for (int c = 2; c < 4; c++) {
                assertTrue(r.get(1).channels().get(c).firstSpike().isEmpty(), "not fired by the stop: silent, channel " + c);
            }
            assertEquals(between, r.get(1).windowNs().orElseThrow(), 1e-12);
            assertTrue(r.get(2).channels().stream().allMatch(c -> c.firstSpike().isEmpty()));
            assertEquals(4.5, r.get(2).windowNs().orElseThrow(), 0, "a stop before the first input ends the window at that input");

            String netlist = new SpiceProbes(f.description(), f.simulator().orElseThrow()).netlist(open.stoppingAt(between));
            double shift = 4.5 - NetlistRenderer.LEAD_NS;
            assertTrue(netlist.contains(" " + NetlistRenderer.num((between - shift) * 1e-9) + " 0 "), "the .tran ends at the stop:\n" + netlist);
            assertTrue(netlist.contains("window ends at the predicted stop"), netlist);
        }
    }
}
