package org.tileloop.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A CSV file a run appends to: every append is fsynced, and the file's length, line count and
 * SHA-256 are known at any moment without reading it again, so {@link RunState} can record what a
 * resume must find. Not thread-safe.
 */
final class AppendLog implements AutoCloseable {

    private final FileChannel channel;
    private final MessageDigest digest;
    private long rows;

    private AppendLog(FileChannel channel, MessageDigest digest, long rows) {
        this.channel = channel;
        this.digest = digest;
        this.rows = rows;
    }

    /** Opens {@code file} (created when missing) cut to {@code length} bytes, hashing and counting what stays. */
    static AppendLog open(Path file, long length) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        try {
            ch.truncate(length);
            MessageDigest d = sha256();
            long rows = 0;
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            ch.position(0);
            while (ch.position() < length) {
                buf.clear();
                int n = ch.read(buf);
                if (n <= 0) {
                    break;
                }
                d.update(buf.array(), 0, n);
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) == '\n') {
                        rows++;
                    }
                }
            }
            ch.position(length);
            return new AppendLog(ch, d, rows);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void append(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
        channel.force(false);
        digest.update(bytes);
        for (byte x : bytes) {
            if (x == '\n') {
                rows++;
            }
        }
    }

    long size() throws IOException {
        return channel.size();
    }

    long rows() {
        return rows;
    }

    String sha256Hex() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
