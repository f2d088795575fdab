package org.tileloop.rig.bench.internal;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.io.IOException;
import org.tileloop.rig.bench.SerialLink;

/** {@link SerialLink} over jSerialComm: 8N1, no flow control, a new port object per open. */
public final class JSerialCommLink implements SerialLink {

    private final SerialPort port;
    private int timeoutMs = -1;

    private JSerialCommLink(SerialPort port) {
        this.port = port;
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
                throw new IOException("cannot open " + device + " (error " + p.getLastErrorCode() + ")");
            }
            return new JSerialCommLink(p);
        };
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
        if (timeoutMs != this.timeoutMs) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, timeoutMs, 0);
            this.timeoutMs = timeoutMs;
        }
        int n = port.readBytes(buf, buf.length);
        if (n < 0) {
            throw new IOException("read from " + port.getSystemPortPath() + " failed (error " + port.getLastErrorCode() + ")");
        }
        return n;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
