package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;

/**
 * A fake controller that asserts the exact bytes the host writes, in order, and answers each
 * with scripted bytes (a reply, nothing for a lost reply, or garbage).
 */
final class ScriptedSerialLink implements SerialLink {

    private record Step(byte[] expect, byte[] answer) {
    }

    private final Deque<Step> script = new ArrayDeque<>();
    private final Deque<Byte> pending = new ArrayDeque<>();
    private boolean closed;

    ScriptedSerialLink expect(byte[] request, byte[] answer) {
        script.add(new Step(request, answer));
        return this;
    }

    ScriptedSerialLink expect(Frame request, Frame reply) {
        return expect(request.encode(), reply == null ? new byte[0] : reply.encode());
    }

    /** A resend of {@code request}: one zero byte, then the identical frame. */
    static byte[] resend(Frame request) {
        byte[] f = request.encode();
        byte[] out = new byte[f.length + 1];
        System.arraycopy(f, 0, out, 1, f.length);
        return out;
    }

    ScriptedSerialLink expectResend(Frame request, Frame reply) {
        return expect(resend(request), reply == null ? new byte[0] : reply.encode());
    }

    @Override
    public void write(byte[] data) {
        Step s = script.poll();
        if (s == null) {
            fail("unexpected write after the script ended: " + HexFormat.of().formatHex(data));
        }
        if (!Arrays.equals(s.expect(), data)) {
            fail("host wrote " + HexFormat.ofDelimiter(" ").formatHex(data) + "\n  expected " + HexFormat.ofDelimiter(" ").formatHex(s.expect()));
        }
        for (byte b : s.answer()) {
            pending.add(b);
        }
    }

    @Override
    public int read(byte[] buf, int timeoutMs) {
        if (pending.isEmpty()) {
            try {
                Thread.sleep(timeoutMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
        int n = 0;
        while (n < buf.length && !pending.isEmpty()) {
            buf[n++] = pending.poll();
        }
        return n;
    }

    void assertDone() {
        assertTrue(script.isEmpty(), script.size() + " scripted exchanges never happened");
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
