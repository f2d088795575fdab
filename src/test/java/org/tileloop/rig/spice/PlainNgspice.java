package org.tileloop.rig.spice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a netlist with plain {@code ngspice -b} (no raw file) and collects its {@code .meas} results. */
final class PlainNgspice {
    private static final Pattern MEAS = Pattern.compile("^(\\w+)\\s+=\\s+([-+0-9.eE]+)", Pattern.MULTILINE);

    private PlainNgspice() {
    }

    static Map<String, Double> measurements(String netlist, Path dir) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "plain", ".cir");
        Files.writeString(file, netlist);
        Process p = new ProcessBuilder("ngspice", "-b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("plain ngspice hung");
        }
        Map<String, Double> values = new HashMap<>();
        Matcher m = MEAS.matcher(out);
        while (m.find()) {
            values.put(m.group(1).toLowerCase(), Double.parseDouble(m.group(2)));
        }
        return values;
    }
}
