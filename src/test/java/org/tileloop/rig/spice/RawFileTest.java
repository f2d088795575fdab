package org.tileloop.rig.spice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RawFileTest {

    static byte[] raw(double[][] rows, int declaredPoints) {
        String header = "Title: t\nDate: x\nPlotname: Transient Analysis\nFlags: real\nNo. Variables: 2\nNo. Points: "
                + declaredPoints + "\nVariables:\n\t0\ttime\ttime\n\t1\tv(o0)\tvoltage\nBinary:\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.allocate(rows.length * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] r : rows) {
            b.putDouble(r[0]).putDouble(r[1]);
        }
        out.writeBytes(b.array());
        return out.toByteArray();
    }

    @Test
    void parsesVectors() {
        RawFile f = RawFile.parse(raw(new double[][] {{0, 0.1}, {1e-9, 0.5}, {2e-9, 1.7}}, 3));
        assertArrayEquals(new double[] {0, 1e-9, 2e-9}, f.vector("time"));
        assertArrayEquals(new double[] {0.1, 0.5, 1.7}, f.vector("V(O0)"));
    }

    @Test
    void truncatedFileIsRefused() {
        byte[] full = raw(new double[][] {{0, 0.1}, {1e-9, 0.5}}, 3);
        assertThrows(IllegalArgumentException.class, () -> RawFile.parse(full));
        assertThrows(IllegalArgumentException.class, () -> RawFile.parse(Arrays.copyOf(full, 40)));
    }
}
