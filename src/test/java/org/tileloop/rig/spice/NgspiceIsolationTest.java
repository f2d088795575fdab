package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.cli.Main;
import org.tileloop.rig.RigConfigurationException;

/**
 * ngspice reads {@code .spiceinit} from the working directory and home, and {@code spinit} from
 * {@code SPICE_SCRIPTS}, and runs {@code *#} lines as commands: none of that may reach it.
 */
class NgspiceIsolationTest {

    @TempDir
    Path dir;

    @Test
    void initFilesInTheWorkingDirectoryHomeAndSpiceScriptsAreNeverRead() throws Exception {
        Path canary = dir.resolve("canary");
        for (String f : new String[] {".spiceinit", "spinit"}) {
            Files.writeString(dir.resolve(f), "shell touch " + canary + "-" + f.replace(".", "") + "\n");
        }
        Path repo = Path.of("").toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "measure", "--rig", repo.resolve("rigs/sim-tile4.yaml").toString(), "--delays", "4.5",
                "--calibration-dir", dir.resolve("cal").toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("SPICE_SCRIPTS", dir.toString());
        pb.environment().put("SPICE_LIB_DIR", dir.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("out.log"));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("5.955"), "n0 fires at 5.955 ns as without init files: " + out);
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith("canary")).count(), "no init file ran");
        }
    }

    @Test
    void evenInItsOwnDirectoryNgspiceReadsNoSpiceinit() throws Exception {
        Path canary = dir.resolve("canary");
        Files.writeString(dir.resolve(".spiceinit"), "shell touch " + canary + "\n");
        Files.writeString(dir.resolve("t.cir"), "* t\nV1 a 0 DC 1\nR1 a 0 1k\n.tran 1n 10n\n.print tran v(a)\n.end\n");
        Process p = Ngspice.locate().process(dir, "-b", "t.cir").redirectErrorStream(true)
                .redirectOutput(dir.resolve("ngspice.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("ngspice.log")));
        assertFalse(Files.exists(canary), "-n: no .spiceinit is read");
    }

    @Test
    void starHashLinesAreRefusedInTemplatesAndInRenderedNetlists() {
        for (String line : new String[] {"*# shell touch x", "   *# shell touch x", "*#shell touch x"}) {
            RigConfigurationException e = assertThrows(RigConfigurationException.class,
                    () -> NetlistGuard.checkTemplate("t.cir", "* tile\nR1 a 0 1k\n" + line + "\n"));
            assertEquals("t.cir:3: '*#' lines are executed by ngspice as commands; not allowed", e.getMessage());
        }
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> NetlistGuard.checkRendered("* netlist\n.param r=1\n*# shell touch x\n.end\n"));
        assertTrue(e.getMessage().startsWith("rendered netlist:3: '*#' lines"), e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> NetlistGuard.checkRendered("* netlist\n.control\n.end\n"));
        assertTrue(e.getMessage().contains("'.control' is not allowed in a rendered netlist"), e.getMessage());
        e = assertThrows(RigConfigurationException.class, () -> NetlistGuard.checkRendered("* netlist\n.options noinit\n.end\n"));
        assertTrue(e.getMessage().contains("only '.options autostop' and '.options method=trap|gear"), e.getMessage());
        String tuned = StepControl.UNTUNED.optionsLine();
        assertEquals(".options method=trap reltol=1.000000000000e-03 trtol=7.000000000000e+00 chgtol=1.000000000000e-14", tuned);
        NetlistGuard.checkRendered("* netlist\n" + tuned + "\n.end\n");
        for (String hostile : List.of(tuned + " noinit", tuned.replace("trap", "be"), tuned.replace("reltol=1.000000000000e-03", "reltol=1.000000000000e+03"),
                tuned.replace("trtol=7.000000000000e+00", "trtol=1"), ".options method=gear", tuned.replace("trap", "trap interp"))) {
            e = assertThrows(RigConfigurationException.class, () -> NetlistGuard.checkRendered("* netlist\n" + hostile + "\n.end\n"), hostile);
            assertTrue(e.getMessage().contains("only '.options autostop' and"), e.getMessage());
        }
        e = assertThrows(RigConfigurationException.class, () -> NetlistGuard.checkRendered("* netlist\n.end\nR1 a 0 1\n.end\n"));
        assertTrue(e.getMessage().contains("exactly one .end"), e.getMessage());
        NetlistGuard.checkRendered("* netlist\n.param r=1\nR1 a 0 {r}\n.tran 1n 2n\n.options autostop\n.end\n");
        assertFalse(Files.exists(dir.resolve("x")));
    }
}
