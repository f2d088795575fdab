package org.tileloop.rig.bench;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.tileloop.rig.MeasurementException;

/**
 * A STATUS reply (drivers/protocol.md, STATUS): the controller's state and its counters since
 * power-up. The counters after {@code framesMalformed} come from v1.1 controllers only.
 *
 * @param codes the current code per controller parameter, by controller index
 */
public record BenchStatus(boolean armed, boolean interlockLatched, long framesOk, long framesMalformed, List<Integer> codes,
                          OptionalLong replays, OptionalLong errors, OptionalLong stimuli, OptionalLong referencePulses,
                          OptionalLong interlockTrips) {

    public BenchStatus {
        codes = List.copyOf(codes);
    }

    /** What a controller said about itself and its state, without anything being changed on it. */
    public record Report(Handshake handshake, BenchStatus status) {
    }

    /**
     * Opens the bench once (no retry loop), says HELLO and asks STATUS; sends no RESET, no codes and
     * leaves a latched interlock latched. Fails when another process holds the device.
     *
     * @throws java.io.IOException the device cannot be opened or does not answer
     */
    public static Report query(BenchSettings settings, SerialLink.Factory links) throws java.io.IOException {
        return BenchSession.probe(settings, links);
    }

    /** @param minor the session's minor version (1: the counters follow the codes) */
    static BenchStatus parse(ByteBuffer b, int minor) {
        try {
            int flags = b.get() & 0xFF;
            long ok = b.getInt() & 0xFFFFFFFFL;
            long bad = b.getInt() & 0xFFFFFFFFL;
            List<Integer> codes = new ArrayList<>();
            for (int n = b.get() & 0xFF; n > 0; n--) {
                codes.add(b.getShort() & 0xFFFF);
            }
            OptionalLong[] more = new OptionalLong[5];
            for (int i = 0; i < more.length; i++) {
                more[i] = minor >= 1 ? OptionalLong.of(b.getInt() & 0xFFFFFFFFL) : OptionalLong.empty();
            }
            if (b.hasRemaining()) {
                throw new MeasurementException("bench STATUS reply is malformed (" + b.remaining() + " trailing bytes)");
            }
            return new BenchStatus((flags & 1) != 0, (flags & 2) != 0, ok, bad, codes, more[0], more[1], more[2], more[3], more[4]);
        } catch (BufferUnderflowException e) {
            throw new MeasurementException("bench STATUS reply is truncated", e);
        }
    }
}
