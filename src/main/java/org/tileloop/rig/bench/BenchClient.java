package org.tileloop.rig.bench;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One protocol session over one {@link SerialLink} (drivers/protocol.md sections 3 and 5): numbers
 * requests from 1, resends the identical frame (same sequence number, so the controller replays
 * instead of re-executing), preceded by one zero byte, as soon as only a malformed frame arrived or
 * after a timeout adapted to measured round trips, and ignores replies to other sequence numbers.
 * Round trips are sampled from the last attempt of requests none of whose attempts timed out (Karn's
 * rule: after a timeout the reply may answer either attempt; after a corrupted reply only the resend
 * can be answered).
 * Resends are counted per command type and logged at debug level. Not thread-safe.
 */
final class BenchClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BenchClient.class);

    /** No valid reply after every resend, or the link failed: the session is unusable. */
    static final class LinkLostException extends IOException {
        LinkLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SerialLink link;
    private final int timeoutMs;
    private final int retries;
    private final RoundTrips rtt;
    private final LinkCounters counters;
    private final String device;
    private final FrameDecoder decoder = new FrameDecoder();
    private final byte[] buf = new byte[4096];
    private int seq;

    /**
     * @param timeoutMs the configured reply timeout: the bound of every attempt's timeout
     * @param rtt round trips learnt so far (kept across sessions)
     * @param counters where requests, resends and malformed frames are counted
     */
    BenchClient(SerialLink link, int timeoutMs, int retries, RoundTrips rtt, LinkCounters counters, String device) {
        this.link = link;
        this.timeoutMs = timeoutMs;
        this.retries = retries;
        this.rtt = rtt;
        this.counters = counters;
        this.device = device;
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @param stimuli a FIRE_BATCH's stimuli (its timeout scales with them), else 0
     * @return the reply's payload
     * @throws BenchProtocolException the controller answered with an ERROR frame, or in another protocol version
     * @throws LinkLostException no valid reply after {@code retries} resends, or the link failed
     */
    ByteBuffer request(int type, byte[] payload, int stimuli) throws LinkLostException {
        seq = seq % 0xFFFF + 1;
        byte[] wire = new Frame(type, seq, payload).encode();
        byte[] resend = new byte[wire.length + 1];
        System.arraycopy(wire, 0, resend, 1, wire.length);
        double boundMs = timeoutMs + 50.0 * stimuli;
        int units = Math.max(1, stimuli);
        counters.request(type);
        int timeouts = 0;
        double waitMs = 0;
        long badAtStart = decoder.badFrames();
        try {
            for (int attempt = 0; attempt <= retries; attempt++) {
                long sent = System.nanoTime();
                link.write(attempt == 0 ? wire : resend);
                waitMs = rtt.timeoutMs(type, units, timeouts, boundMs);
                long deadline = sent + (long) (waitMs * 1e6);
                long badBefore = decoder.badFrames();
                for (long left = deadline - sent; left > 0 && decoder.badFrames() == badBefore; left = deadline - System.nanoTime()) {
                    int n = link.read(buf, (int) Math.max(1, (left + 999_999) / 1_000_000));
                    for (Frame f : decoder.feed(buf, n)) {
                        ByteBuffer reply = answer(f, type);
                        if (reply != null) {
                            if (timeouts == 0) {
                                rtt.sample(type, units, (System.nanoTime() - sent) / 1e6);
                            }
                            return reply;
                        }
                    }
                }
                boolean malformed = decoder.badFrames() > badBefore;
                if (!malformed) {
                    timeouts++;
                }
                if (attempt < retries) {
                    counters.resent(type, malformed);
                    if (LOG.isDebugEnabled()) {
                        LOG.debug("bench {}: resending {} seq {} (resend {}/{}) {}", device, Frame.name(type), seq, attempt + 1, retries,
                                malformed ? "after a malformed frame" : String.format(Locale.ROOT, "after %.1f ms without a reply", waitMs));
                    }
                }
            }
        } catch (IOException e) {
            throw new LinkLostException("serial link failed: " + e.getMessage(), e);
        } finally {
            counters.malformed(decoder.badFrames() - badAtStart);
        }
        throw new LinkLostException(String.format(Locale.ROOT, "no valid reply to %s after %d attempts (last waited %.0f ms)",
                Frame.name(type), retries + 1, waitMs), null);
    }

    /** The payload when {@code f} answers the outstanding request; null when it is for another one. */
    private ByteBuffer answer(Frame f, int type) {
        if (f.seq() != seq) {
            return null;
        }
        if (f.version() != Frame.VERSION) {
            throw new BenchProtocolException(BenchProtocolException.VERSION, "the controller answered in protocol version "
                    + f.version() + "; this host speaks " + Frame.VERSION + "." + Frame.MINOR);
        }
        ByteBuffer reply = ByteBuffer.wrap(f.payload()).order(ByteOrder.LITTLE_ENDIAN);
        if (f.type() == Frame.ERROR) {
            try {
                int code = reply.get() & 0xFF;
                throw new BenchProtocolException(code, reply.hasRemaining() ? Handshake.str(reply) : "");
            } catch (BufferUnderflowException e) {
                throw new BenchProtocolException(0, "malformed ERROR frame");
            }
        }
        return f.type() == (type | Frame.REPLY) ? reply : null;
    }

    @Override
    public void close() {
        link.close();
    }
}
