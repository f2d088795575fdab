package org.tileloop.rig.bench;

import java.io.IOException;

/**
 * A handshaken session on one opened link: HELLO asks for protocol 1.1 and falls back to a 1.0
 * HELLO when the controller refuses the two-byte form (drivers/protocol.md, HELLO).
 */
record BenchSession(BenchClient client, Handshake handshake) implements AutoCloseable {

    /** Says HELLO on {@code link}; closes it when that fails. */
    static BenchSession open(SerialLink link, BenchSettings settings, RoundTrips rtt, LinkCounters counters)
            throws BenchClient.LinkLostException {
        BenchClient c = new BenchClient(link, settings.timeoutMs(), settings.retries(), rtt, counters, settings.device());
        try {
            Handshake hs;
            try {
                hs = Handshake.parse(c.request(Frame.HELLO, new byte[] {Frame.VERSION, Frame.MINOR}, 0).array(), true);
            } catch (BenchProtocolException e) {
                if (e.code() != BenchProtocolException.BAD_PAYLOAD) {
                    throw e;
                }
                hs = Handshake.parse(c.request(Frame.HELLO, new byte[] {Frame.VERSION}, 0).array(), false);
            }
            return new BenchSession(c, hs);
        } catch (BenchClient.LinkLostException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    BenchStatus status() throws BenchClient.LinkLostException {
        return BenchStatus.parse(client.request(Frame.STATUS, new byte[0], 0), handshake.minorVersion());
    }

    /**
     * Opens the device once, says HELLO and asks STATUS, changing nothing on the controller (no
     * RESET, no codes, the latch left alone); for {@code tileloop describe}.
     *
     * @throws IOException the device cannot be opened or does not answer
     */
    static BenchStatus.Report probe(BenchSettings settings, SerialLink.Factory links) throws IOException {
        try (BenchSession s = open(links.open(), settings, new RoundTrips(), new LinkCounters())) {
            return new BenchStatus.Report(s.handshake(), s.status());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
