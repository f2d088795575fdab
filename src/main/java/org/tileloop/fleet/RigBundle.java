package org.tileloop.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * A simulated rig file and its netlist as they travel: two blobs, and the rig file's own
 * {@code simulator.netlist} path, which must be relative and made of plain names so a worker
 * can lay both files out in its cache the way the rig file expects.
 */
final class RigBundle {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9_.+-]{0,127}");

    private RigBundle() {
    }

    /**
     * The rig file's {@code simulator.netlist}, split into segments: zero or more {@code ..}, then plain names.
     *
     * @throws RigConfigurationException naming {@code source} when the rig file has no such key or the path is not of that shape
     */
    static List<String> netlistPath(byte[] rigBytes, String source) {
        JsonNode root;
        try {
            root = StrictInput.yaml(rigBytes, source, "rig file");
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        }
        JsonNode n = root == null ? null : root.path("simulator").get("netlist");
        if (n == null || !n.isTextual()) {
            throw new RigConfigurationException(source + ": simulator.netlist: missing");
        }
        List<String> segments = List.of(n.asText().split("/", -1));
        boolean names = false;
        for (String s : segments) {
            if (s.equals("..") && !names) {
                continue;
            }
            names = true;
            if (!SEGMENT.matcher(s).matches()) {
                throw new RigConfigurationException(source + ": simulator.netlist: '" + StrictInput.printable(n.asText()) + "': to run on"
                        + " the fleet the netlist is a relative path of plain names, optionally after ../ (e.g. ../simulated-rig/tile.cir)");
            }
        }
        if (!names || segments.size() > 32) {
            throw new RigConfigurationException(source + ": simulator.netlist: '" + StrictInput.printable(n.asText()) + "' names no file");
        }
        return segments;
    }

    /**
     * Writes the rig file and its netlist under {@code dir} (created) so that the rig file's
     * netlist path leads to the netlist, and returns the rig file's path.
     */
    static Path place(Path dir, String rigId, byte[] rigBytes, byte[] netlistBytes) throws IOException {
        List<String> segments = netlistPath(rigBytes, rigId + " (from the fleet)");
        Path rigDir = dir;
        for (String s : segments) {
            if (s.equals("..")) {
                rigDir = rigDir.resolve("up");
            }
        }
        Files.createDirectories(rigDir);
        Path rig = rigDir.resolve(rigId + ".yaml");
        Path netlist = rigDir.resolve(String.join("/", segments)).normalize();
        if (!netlist.startsWith(dir)) {
            throw new IllegalStateException("netlist path escapes " + dir);
        }
        Files.createDirectories(netlist.getParent());
        Files.write(netlist, netlistBytes);
        Files.write(rig, rigBytes);
        return rig;
    }
}
