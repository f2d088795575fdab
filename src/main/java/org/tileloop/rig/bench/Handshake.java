package org.tileloop.rig.bench;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.tileloop.rig.MeasurementException;

/**
 * What a bench controller says about itself in its HELLO reply (drivers/protocol.md, HELLO).
 *
 * @param protocolVersion the major version (1)
 * @param minorVersion the session's minor version: 1 when the controller negotiated 1.1, 0 for a v1.0 session
 */
public record Handshake(int protocolVersion, String firmwareVersion, String boardId, long timingLsbPs, long maxDelayPs,
                        long windowPs, int maxBatch, int maxSpikes, List<String> channels, List<String> inputs,
                        List<Param> parameters, int minorVersion) {

    /** "1.1" or "1.0". */
    public String version() {
        return protocolVersion + "." + minorVersion;
    }

    /**
     * One settable parameter: value(code) = valueAtMin + (code − codeMin)·(valueAtMax − valueAtMin)/(codeMax − codeMin);
     * the controller refuses codes outside [safeCodeMin, safeCodeMax], i.e. values outside [safetyMin, safetyMax].
     */
    public record Param(int index, String name, String unit, int codeMin, int codeMax, int defaultCode, double valueAtMin,
                        double valueAtMax, double safetyMin, double safetyMax, int safeCodeMin, int safeCodeMax) {

        public double value(int code) {
            return valueAtMin + (code - codeMin) * (valueAtMax - valueAtMin) / (codeMax - codeMin);
        }

        /**
         * The nearest code (ties to the larger), or the safe bound when the value lies less than one code beyond it;
         * -1 when the value needs a code outside the controller's safe window. Works for decreasing maps too.
         */
        public int code(double value) {
            double exact = codeMin + (value - valueAtMin) / (valueAtMax - valueAtMin) * (codeMax - codeMin);
            int c = (int) Math.round(exact);
            if (c < safeCodeMin && exact > safeCodeMin - 1) {
                c = safeCodeMin;
            }
            if (c > safeCodeMax && exact < safeCodeMax + 1) {
                c = safeCodeMax;
            }
            return c >= safeCodeMin && c <= safeCodeMax ? c : -1;
        }
    }

    /**
     * @param minorRequested whether HELLO asked for a minor version (then the reply ends with the negotiated one)
     * @throws org.tileloop.rig.MeasurementException malformed, or a parameter map the protocol does not allow
     */
    static Handshake parse(byte[] payload, boolean minorRequested) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int version = b.get() & 0xFF;
            String fw = str(b);
            String board = str(b);
            long lsb = b.getInt() & 0xFFFFFFFFL;
            long maxDelay = b.getInt() & 0xFFFFFFFFL;
            long window = b.getInt() & 0xFFFFFFFFL;
            int maxBatch = b.getShort() & 0xFFFF;
            int maxSpikes = b.get() & 0xFF;
            List<String> channels = new ArrayList<>();
            for (int i = b.get() & 0xFF; i > 0; i--) {
                channels.add(str(b));
            }
            List<String> inputs = new ArrayList<>();
            for (int i = b.get() & 0xFF; i > 0; i--) {
                inputs.add(str(b));
            }
            List<Param> params = new ArrayList<>();
            int n = b.get() & 0xFF;
            for (int i = 0; i < n; i++) {
                params.add(new Param(i, str(b), str(b), b.getShort() & 0xFFFF, b.getShort() & 0xFFFF, b.getShort() & 0xFFFF,
                        f32(b), f32(b), f32(b), f32(b), b.getShort() & 0xFFFF, b.getShort() & 0xFFFF));
            }
            int minor = minorRequested ? b.get() & 0xFF : 0;
            if (b.hasRemaining() || lsb == 0 || maxBatch == 0 || minorRequested && minor == 0) {
                throw new MeasurementException("bench HELLO reply is malformed (" + b.remaining() + " trailing bytes, lsb "
                        + lsb + " ps, max_batch " + maxBatch + ", minor version " + minor + ")");
            }
            params.forEach(Handshake::check);
            return new Handshake(version, fw, board, lsb, maxDelay, window, maxBatch, maxSpikes, List.copyOf(channels),
                    List.copyOf(inputs), List.copyOf(params), minor);
        } catch (BufferUnderflowException e) {
            throw new MeasurementException("bench HELLO reply is truncated", e);
        }
    }

    private static void check(Param p) {
        String problem = p.codeMin() >= p.codeMax() ? "code_min " + p.codeMin() + " is not below code_max " + p.codeMax()
                : p.valueAtMin() == p.valueAtMax() || !Double.isFinite(p.valueAtMin()) || !Double.isFinite(p.valueAtMax())
                ? "value_at_code_min and value_at_code_max must be finite and differ"
                : p.defaultCode() < p.safeCodeMin() || p.defaultCode() > p.safeCodeMax()
                ? "default_code " + p.defaultCode() + " is outside the safe codes [" + p.safeCodeMin() + ", " + p.safeCodeMax() + "]"
                : null;
        if (problem != null) {
            throw new MeasurementException("bench HELLO reply: parameter " + p.name() + ": " + problem + " (drivers/protocol.md, HELLO)");
        }
    }

    /** A binary32 as the decimal it was written as (1.8f reads as 1.8, not 1.7999999523). */
    private static double f32(ByteBuffer b) {
        return Double.parseDouble(Float.toString(b.getFloat()));
    }

    static String str(ByteBuffer b) {
        byte[] s = new byte[b.get() & 0xFF];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
    }
}
