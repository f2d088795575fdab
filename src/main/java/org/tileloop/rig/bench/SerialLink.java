package org.tileloop.rig.bench;

import java.io.IOException;

/**
 * A byte link to a bench controller (USB serial in practice). One owner thread; not thread-safe.
 * An {@link IOException} from any method means the link is gone (unplugged, peer died): close
 * it and open a new one through its {@link Factory}.
 */
public interface SerialLink extends AutoCloseable {

    /** Writes all bytes or throws. */
    void write(byte[] data) throws IOException;

    /**
     * Reads what is available, waiting up to {@code timeoutMs} for the first byte.
     *
     * @return bytes read into {@code buf}; 0 when nothing arrived in time
     */
    int read(byte[] buf, int timeoutMs) throws IOException;

    /** Idempotent. */
    @Override
    void close();

    /** Opens a fresh link object each call (after an unplug the old one is useless). */
    @FunctionalInterface
    interface Factory {
        SerialLink open() throws IOException;
    }
}
