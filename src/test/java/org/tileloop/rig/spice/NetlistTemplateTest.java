package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;

class NetlistTemplateTest {

    static final RigFile RIG = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml"));

    @TempDir
    Path dir;

    String refusal(String extraLine) throws IOException {
        Path t = dir.resolve("t.cir");
        Files.writeString(t, Files.readString(RIG.simulator().orElseThrow().netlistTemplate()) + extraLine + "\n");
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> NetlistTemplate.load(t, RIG.description(), RIG.simulator().orElseThrow()));
        assertTrue(e.getMessage().startsWith(t.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void shippedTemplateLoads() {
        NetlistTemplate.load(RIG.simulator().orElseThrow().netlistTemplate(), RIG.description(), RIG.simulator().orElseThrow());
    }

    @Test
    void controlBlockIsRefused() throws IOException {
        assertTrue(refusal(".control\nshell touch /tmp/x\n.endc").contains("'.control' is not allowed"));
    }

    @Test
    void includeAndParamAreRefused() throws IOException {
        assertTrue(refusal(".include /etc/passwd").contains("'.include' is not allowed"));
        assertTrue(refusal(".param r_fb=1").contains("'.param' is not allowed"));
        assertTrue(refusal(".end").contains("'.end' is not allowed"));
    }

    @Test
    void undeclaredParameterIsRefused() throws IOException {
        assertTrue(refusal("R9 m0 0 {r_secret*2}").contains("uses 'r_secret', which is not a parameter of rig sim-tile4"));
    }

    @Test
    void expressionFunctionsAreRefused() throws IOException {
        assertTrue(refusal("R9 m0 0 {r_fb > 1 ? 1 : 2}").contains("may use only parameter names"));
    }

    @Test
    void inputSourceMustNotBeInTemplate() throws IOException {
        assertTrue(refusal("V_PRE0 pre0 0 DC 1").contains("input source v_pre0 must not be defined in the template"));
    }

    @Test
    void channelNodeMustExist() throws IOException {
        Path t = dir.resolve("t.cir");
        Files.writeString(t, Files.readString(RIG.simulator().orElseThrow().netlistTemplate()).replace("o3", "q3"));
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> NetlistTemplate.load(t, RIG.description(), RIG.simulator().orElseThrow()));
        assertTrue(e.getMessage().contains("channel n3 refers to 'o3', which the netlist template does not contain"), e.getMessage());
    }
}
