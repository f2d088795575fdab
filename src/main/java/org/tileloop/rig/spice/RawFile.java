package org.tileloop.rig.spice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A parsed ngspice binary raw file of one real-valued transient analysis: vectors by lower-case name. */
public record RawFile(Map<String, double[]> vectors) {

    public double[] vector(String name) {
        double[] v = vectors.get(name.toLowerCase(Locale.ROOT));
        if (v == null) {
            throw new IllegalArgumentException("raw file has no vector " + name + "; has " + vectors.keySet());
        }
        return v;
    }

    public int points() {
        return vectors.isEmpty() ? 0 : vectors.values().iterator().next().length;
    }

    /** @throws IllegalArgumentException when the bytes are not a complete binary real raw file */
    public static RawFile parse(byte[] bytes) {
        String marker = "Binary:\n";
        int headerEnd = indexOf(bytes, marker.getBytes(StandardCharsets.US_ASCII));
        if (headerEnd < 0) {
            throw new IllegalArgumentException("no 'Binary:' section in raw file");
        }
        String header = new String(bytes, 0, headerEnd, StandardCharsets.US_ASCII);
        int nVars = -1;
        int nPoints = -1;
        boolean real = false;
        String[] names = null;
        String[] lines = header.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("Flags:")) {
                real = line.contains("real");
            } else if (line.startsWith("No. Variables:")) {
                nVars = Integer.parseInt(line.substring(14).trim());
            } else if (line.startsWith("No. Points:")) {
                nPoints = Integer.parseInt(line.substring(11).trim());
            } else if (line.startsWith("Variables:")) {
                if (nVars <= 0) {
                    throw new IllegalArgumentException("raw file lists variables before their count");
                }
                names = new String[nVars];
                for (int v = 0; v < nVars; v++) {
                    String[] f = lines[i + 1 + v].trim().split("\\s+");
                    names[v] = f[1].toLowerCase(Locale.ROOT);
                }
                i += nVars;
            }
        }
        if (!real || names == null || nPoints < 0) {
            throw new IllegalArgumentException("raw file header incomplete or not real-valued");
        }
        int start = headerEnd + marker.length();
        long need = (long) nVars * nPoints * Double.BYTES;
        if (bytes.length - start < need) {
            throw new IllegalArgumentException("raw file truncated: " + (bytes.length - start) + " of " + need + " data bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, start, (int) need).order(ByteOrder.LITTLE_ENDIAN);
        double[][] data = new double[nVars][nPoints];
        for (int p = 0; p < nPoints; p++) {
            for (int v = 0; v < nVars; v++) {
                data[v][p] = buf.getDouble();
            }
        }
        Map<String, double[]> vectors = new LinkedHashMap<>();
        for (int v = 0; v < nVars; v++) {
            vectors.put(names[v], data[v]);
        }
        return new RawFile(vectors);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
