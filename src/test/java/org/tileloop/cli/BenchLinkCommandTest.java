package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench link} on the emulated bench: every fault scenario gives the clean run's measurements
 * (none wrong, duplicated or lost) and the faulty ones resend, each resend answered from the
 * controller's replay cache. Its speed figures come from full runs (README).
 */
class BenchLinkCommandTest {

    /** scenario, meas/s, resends, malformed/timeout, replayed, wrong, dup, lost | train_s, x clean, resends, wrong, dup, lost */
    static final Pattern ROW = Pattern.compile("(?m)^(clean|corrupt 1%|drop 5%|corrupt 1% \\+ drop 5%)\\s+([0-9]+)\\s+([0-9]+)\\s+([0-9]+)/([0-9]+)"
            + "\\s+([0-9]+)\\s+([0-9]+)\\s+([0-9]+)\\s+([0-9]+) \\|\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9]+)\\s+([0-9]+)\\s+([0-9]+)\\s+([0-9]+)$");

    @Test
    void everyFaultScenarioMeasuresWhatTheCleanRunMeasured() {
        CliTest.Run r = CliTest.run("bench", "link", "--batches", "6", "--iterations", "1", "--seed", "4");
        assertEquals(0, r.exit(), r.out() + r.err());
        Matcher m = ROW.matcher(r.out());
        List<String> scenarios = new ArrayList<>();
        while (m.find()) {
            scenarios.add(m.group(1));
            for (int g : new int[] {7, 8, 9, 13, 14, 15}) {
                assertEquals("0", m.group(g), m.group(1) + ": no wrong, duplicated or lost measurement\n" + r.out());
            }
            long resends = Long.parseLong(m.group(3));
            assertEquals(resends, Long.parseLong(m.group(4)) + Long.parseLong(m.group(5)), "resends split by cause");
            if (m.group(1).contains("corrupt")) {
                assertTrue(Long.parseLong(m.group(4)) > 10, "corrupt replies are resent at once: " + m.group());
            }
            if (m.group(1).contains("drop")) {
                assertTrue(Long.parseLong(m.group(5)) > 0, "dropped replies are resent after a timeout: " + m.group());
            }
            if (!m.group(1).equals("clean")) {
                long replayed = Long.parseLong(m.group(6));
                assertTrue(replayed > 0 && replayed <= resends, "the controller replayed (never re-executed) what was resent: " + m.group());
            }
        }
        assertEquals(List.of("clean", "corrupt 1%", "drop 5%", "corrupt 1% + drop 5%"), scenarios, r.out());
        assertTrue(r.out().contains("0 wrong, duplicated or lost measurements in every scenario"), r.out());
    }

    @Test
    void aRigThatIsNotABenchIsRefused() {
        CliTest.Run r = CliTest.run("bench", "link", "--rig", "sim-tile4");
        assertEquals(Main.EXIT_CONFIG, r.exit());
        assertTrue(r.err().contains("--rig: sim-tile4 is a simulated rig; bench link needs a bench rig"), r.err());
    }
}
