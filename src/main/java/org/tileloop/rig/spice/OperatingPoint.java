package org.tileloop.rig.spice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.RigDescription;

/**
 * A simulated tile's DC operating point with every input idle: the state it rests in before a
 * stimulus, solved by one {@code ngspice -b} run of {@link NetlistRenderer#renderOperatingPoint}
 * in a private scratch directory.
 *
 * @param nodeVoltagesV voltage of each channel, input and supply node (lower-case node names)
 * @param supplyCurrentA current through the supply source (ngspice's sign: negative when it delivers)
 */
public record OperatingPoint(Map<String, Double> nodeVoltagesV, double supplyCurrentA) {

    /** Power the supply delivers at rest, W. */
    public double supplyPowerW(String supplyNode) {
        return -voltage(supplyNode) * supplyCurrentA;
    }

    public double voltage(String node) {
        Double v = nodeVoltagesV.get(node.toLowerCase(java.util.Locale.ROOT));
        if (v == null) {
            throw new IllegalArgumentException("no operating-point voltage for node " + node);
        }
        return v;
    }

    /**
     * @throws MeasurementException ngspice found no operating point (e.g. it did not converge)
     */
    public static OperatingPoint solve(RigDescription rig, SpiceSettings settings, ParameterVector parameters, Ngspice ngspice) {
        rig.validate(parameters);
        String netlist = NetlistRenderer.of(rig, settings).renderOperatingPoint(parameters);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tileloop-op-");
            Path cir = dir.resolve("op.cir");
            Path raw = dir.resolve("op.raw");
            Files.writeString(cir, netlist, StandardCharsets.UTF_8);
            ngspice.runBatch(cir, raw, settings.timeoutS());
            if (!Files.exists(raw)) {
                throw new MeasurementException("ngspice wrote no operating point");
            }
            RawFile data = RawFile.parse(Files.readAllBytes(raw));
            Map<String, Double> volts = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : data.vectors().entrySet()) {
                String name = e.getKey();
                if (name.startsWith("v(") && name.endsWith(")") && e.getValue().length > 0) {
                    volts.put(name.substring(2, name.length() - 1), e.getValue()[0]);
                }
            }
            double[] current = data.vector("i(" + settings.supplySource() + ")");
            return new OperatingPoint(Map.copyOf(volts), current[0]);
        } catch (IllegalArgumentException e) {
            throw new MeasurementException("unreadable ngspice operating point: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a scratch directory left in the temp dir is harmless
        }
    }
}
