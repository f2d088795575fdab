package org.tileloop.rig.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One protocol session over one {@link SerialLink}: numbers requests, resends the identical frame
 * (same sequence number, so the controller replays instead of re-executing) after a timeout or a
 * corrupt reply, and ignores replies to other sequence numbers. Not thread-safe.
 */
final class BenchClient implements AutoCloseable {

    /** No valid reply after every resend, or the link failed: the session is unusable. */
    static final class LinkLostException extends IOException {
        LinkLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SerialLink link;
    private final int timeoutMs;
    private final int retries;
    private final FrameDecoder decoder = new FrameDecoder();
    private final byte[] buf = new byte[4096];
    private int seq;
    private long resends;

    BenchClient(SerialLink link, int timeoutMs, int retries) {
        this.link = link;
        this.timeoutMs = timeoutMs;
        this.retries = retries;
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @param extraMs added to the reply timeout (e.g. the duration of a batch)
     * @return the reply's payload
     * @throws BenchProtocolException the controller answered with an ERROR frame
     * @throws LinkLostException no valid reply after {@code retries} resends, or the link failed
     */
    ByteBuffer request(int type, byte[] payload, int extraMs) throws LinkLostException {
        seq = seq % 0xFFFF + 1;
        byte[] wire = new Frame(type, seq, payload).encode();
        try {
            for (int attempt = 0; attempt <= retries; attempt++) {
                if (attempt > 0) {
                    resends++;
                }
                decoder.clear();
                link.write(wire);
                long deadline = System.nanoTime() + (timeoutMs + (long) extraMs) * 1_000_000L;
                for (long left = timeoutMs + (long) extraMs; left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
                    int n = link.read(buf, (int) Math.max(1, left));
                    for (Frame f : decoder.feed(buf, n)) {
                        if (f.seq() != seq) {
                            continue;
                        }
                        ByteBuffer reply = ByteBuffer.wrap(f.payload()).order(ByteOrder.LITTLE_ENDIAN);
                        if (f.type() == Frame.ERROR) {
                            int code = reply.get() & 0xFF;
                            throw new BenchProtocolException(code, reply.hasRemaining() ? Handshake.str(reply) : "");
                        }
                        if (f.type() == (type | Frame.REPLY)) {
                            return reply;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new LinkLostException("serial link failed: " + e.getMessage(), e);
        } catch (java.nio.BufferUnderflowException e) {
            throw new LinkLostException("malformed ERROR frame", e);
        }
        throw new LinkLostException("no valid reply to command 0x" + Integer.toHexString(type) + " after " + (retries + 1)
                + " attempts of " + timeoutMs + " ms", null);
    }

    /** Requests resent so far after a timeout or corrupt reply. */
    long resends() {
        return resends;
    }

    long badFrames() {
        return decoder.badFrames();
    }

    @Override
    public void close() {
        link.close();
    }
}
