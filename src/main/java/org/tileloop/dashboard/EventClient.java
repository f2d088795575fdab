package org.tileloop.dashboard;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One {@code /api/events} client: changes are queued by whoever reports them (never blocking) and
 * written by the client's own thread ({@link #stream}). A client whose queue exceeds
 * {@code maxQueuedBytes} is dropped: its queue is discarded and its stream ends as soon as its
 * writer is free, so a slow client holds back nobody else.
 */
final class EventClient implements Consumer<Change> {

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long maxQueuedBytes;
    private final Runnable onDrop;
    private volatile boolean dropped;

    /** @param onDrop runs once when the client is dropped for falling behind */
    EventClient(long maxQueuedBytes, Runnable onDrop) {
        this.maxQueuedBytes = maxQueuedBytes;
        this.onDrop = onDrop;
    }

    @Override
    public void accept(Change change) {
        if (dropped) {
            return;
        }
        byte[] event = change.sse();
        if (queuedBytes.addAndGet(event.length) > maxQueuedBytes) {
            end();
            onDrop.run();
            return;
        }
        queue.offer(event);
    }

    /** Drops the client: nothing more is queued and its stream ends. */
    void end() {
        dropped = true;
        queue.clear();
        queue.offer(END);
    }

    boolean dropped() {
        return dropped;
    }

    /**
     * Writes {@code first}, then each queued event, with a keep-alive comment after every
     * {@code keepAliveMs} of silence, until the client is dropped, disconnects or the thread is
     * interrupted. Runs on the client's own thread.
     */
    void stream(OutputStream out, byte[] first, long keepAliveMs) throws IOException {
        out.write(first);
        out.flush();
        try {
            while (true) {
                byte[] event = queue.poll(keepAliveMs, TimeUnit.MILLISECONDS);
                if (event == END) {
                    return;
                }
                if (event == null) {
                    out.write(KEEP_ALIVE);
                } else {
                    queuedBytes.addAndGet(-event.length);
                    out.write(event);
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
