package org.tileloop.rig.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * One protocol frame (drivers/protocol.md): version, type, sequence number, payload, CRC-32,
 * COBS-encoded and delimited by a zero byte on the wire. The header and CRC layout is the same in
 * every protocol version, so frames of any version decode; {@link #version()} tells which.
 */
public record Frame(int version, int type, int seq, byte[] payload) {

    /** The major version, in every frame's first byte. */
    public static final int VERSION = 1;
    /** The highest minor version this host negotiates in HELLO. */
    public static final int MINOR = 1;
    public static final int HEADER = 6;
    public static final int MAX_PAYLOAD = 480;
    /** The longest body: header, payload and CRC. */
    public static final int MAX_BODY = HEADER + MAX_PAYLOAD + 4;

    public static final int HELLO = 0x01;
    public static final int SET_PARAMS = 0x02;
    public static final int ARM = 0x03;
    public static final int FIRE_BATCH = 0x04;
    public static final int READ_RESULT = 0x05;
    public static final int STATUS = 0x06;
    public static final int RESET = 0x07;
    public static final int REF_PULSE = 0x08;
    public static final int REPLY = 0x80;
    public static final int ERROR = 0x7F;

    public Frame {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
    }

    /** The command's name in drivers/protocol.md, e.g. READ_RESULT; {@code 0x2A} for an unknown type. */
    public static String name(int type) {
        return switch (type & ~REPLY) {
            case HELLO -> "HELLO";
            case SET_PARAMS -> "SET_PARAMS";
            case ARM -> "ARM";
            case FIRE_BATCH -> "FIRE_BATCH";
            case READ_RESULT -> "READ_RESULT";
            case STATUS -> "STATUS";
            case RESET -> "RESET";
            case REF_PULSE -> "REF_PULSE";
            case ERROR -> "ERROR";
            default -> String.format("0x%02X", type);
        };
    }

    /** A frame of this protocol version. */
    public Frame(int type, int seq, byte[] payload) {
        this(VERSION, type, seq, payload);
    }

    /** The bytes on the wire: COBS(header + payload + CRC-32) followed by 0x00. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) version).put((byte) type).putShort((short) seq).putShort((short) payload.length).put(payload);
        b.putInt((int) crc32(b.array(), HEADER + payload.length));
        byte[] cobs = cobsEncode(b.array());
        byte[] out = new byte[cobs.length + 1];
        System.arraycopy(cobs, 0, out, 0, cobs.length);
        return out;
    }

    /** Decodes the bytes between two delimiters; empty when malformed (COBS, body length, length field or CRC). */
    public static Optional<Frame> decode(byte[] encoded, int length) {
        byte[] raw = cobsDecode(encoded, length);
        if (raw == null || raw.length < HEADER + 4 || raw.length > MAX_BODY) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int type = raw[1] & 0xFF;
        int seq = b.getShort(2) & 0xFFFF;
        int n = b.getShort(4) & 0xFFFF;
        if (HEADER + n + 4 != raw.length || (b.getInt(HEADER + n) & 0xFFFFFFFFL) != crc32(raw, HEADER + n)) {
            return Optional.empty();
        }
        byte[] payload = new byte[n];
        System.arraycopy(raw, HEADER, payload, 0, n);
        return Optional.of(new Frame(raw[0] & 0xFF, type, seq, payload));
    }

    static long crc32(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return crc.getValue();
    }

    static byte[] cobsEncode(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 254 + 2);
        byte[] block = new byte[254];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == 0) {
                out.write(n + 1);
                out.write(block, 0, n);
                n = 0;
            } else {
                block[n++] = in[i];
                if (n == 254) {
                    out.write(0xFF);
                    out.write(block, 0, n);
                    n = 0;
                    if (i == in.length - 1) {
                        return out.toByteArray();
                    }
                }
            }
        }
        out.write(n + 1);
        out.write(block, 0, n);
        return out.toByteArray();
    }

    static byte[] cobsDecode(byte[] in, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        int i = 0;
        while (i < length) {
            int code = in[i++] & 0xFF;
            if (code == 0 || i + code - 1 > length) {
                return null;
            }
            for (int k = 1; k < code; k++) {
                if (in[i] == 0) {
                    return null;
                }
                out.write(in[i++]);
            }
            if (code != 0xFF && i < length) {
                out.write(0);
            }
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return String.format("Frame[version=%d, type=0x%02X, seq=%d, %d bytes]", version, type, seq, payload.length);
    }
}
