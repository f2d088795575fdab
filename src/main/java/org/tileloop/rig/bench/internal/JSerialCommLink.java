package org.tileloop.rig.bench.internal;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.tileloop.rig.bench.SerialLink;

/**
 * {@link SerialLink} over jSerialComm: 8N1, no flow control, a new port object per open.
 *
 * <p>A reader thread blocks in the port's read (which returns as soon as a byte arrives) and
 * buffers what it gets, so {@link #read} waits to the millisecond: the port's own read timeouts
 * are whole deciseconds on POSIX, and its data-available listener fires continuously while bytes
 * sit unread. Reads and writes belong to one owner thread.
 */
public final class JSerialCommLink implements SerialLink {

    private static final int PORT_READ_TIMEOUT_MS = 100;

    private final SerialPort port;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final byte[] ring = new byte[1 << 16];
    private int head;
    private int size;
    private IOException failure;
    private volatile boolean closed;
    private final Thread reader;

    private JSerialCommLink(SerialPort port) {
        this.port = port;
        this.reader = new Thread(this::readLoop, "bench-serial-" + port.getSystemPortName());
        reader.setDaemon(true);
        reader.start();
    }

    public static SerialLink.Factory factory(String device, int baud) {
        return () -> {
            SerialPort p;
            try {
                p = SerialPort.getCommPort(device);
            } catch (SerialPortInvalidPortException e) {
                throw new IOException(device + " does not exist (unplugged?)", e);
            }
            p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
            p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
            if (!p.openPort()) {
                throw new IOException("cannot open " + device + " (error " + p.getLastErrorCode()
                        + (p.getLastErrorCode() == 11 ? ": in use by another process" : "") + ")");
            }
            p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, PORT_READ_TIMEOUT_MS, 0);
            return new JSerialCommLink(p);
        };
    }

    private void readLoop() {
        byte[] buf = new byte[4096];
        while (!closed) {
            int n = port.readBytes(buf, buf.length);
            lock.lock();
            try {
                if (n < 0) {
                    if (!closed) {
                        failure = new IOException("read from " + port.getSystemPortPath() + " failed (error " + port.getLastErrorCode() + ")");
                    }
                    arrived.signalAll();
                    return;
                }
                for (int i = 0; i < n; i++) {
                    while (size == ring.length && !closed) {
                        drained.awaitUninterruptibly();
                    }
                    ring[(head + size++) % ring.length] = buf[i];
                }
                if (n > 0) {
                    arrived.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void write(byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            int n = port.writeBytes(data, data.length - off, off);
            if (n <= 0) {
                throw new IOException("write to " + port.getSystemPortPath() + " failed (error " + port.getLastErrorCode() + ")");
            }
            off += n;
        }
    }

    @Override
    public int read(byte[] buf, int timeoutMs) throws IOException {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            while (size == 0 && failure == null && left > 0) {
                left = arrived.awaitNanos(left);
            }
            if (size == 0 && failure != null) {
                throw failure;
            }
            int n = Math.min(size, buf.length);
            for (int i = 0; i < n; i++) {
                buf[i] = ring[head];
                head = (head + 1) % ring.length;
            }
            size -= n;
            drained.signalAll();
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + port.getSystemPortPath(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        port.closePort();
        try {
            reader.join(2L * PORT_READ_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
