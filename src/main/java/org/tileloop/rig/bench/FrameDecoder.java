package org.tileloop.rig.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a byte stream at zero delimiters into frames, dropping (and counting) malformed ones.
 * Empty frames (consecutive zeros) are ignored and not counted; an over-long run counts once.
 */
public final class FrameDecoder {
    private final byte[] buf = new byte[Frame.MAX_BODY + Frame.MAX_BODY / 254 + 2];
    private int len;
    private boolean overflow;
    private long bad;

    public List<Frame> feed(byte[] data, int n) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte b = data[i];
            if (b != 0) {
                if (len < buf.length) {
                    buf[len++] = b;
                } else {
                    overflow = true;
                }
                continue;
            }
            if (len > 0 || overflow) {
                var f = overflow ? java.util.Optional.<Frame>empty() : Frame.decode(buf, len);
                f.ifPresentOrElse(frames::add, () -> bad++);
            }
            len = 0;
            overflow = false;
        }
        return frames;
    }

    /** Malformed frames seen so far (bad CRC, COBS, body length or length field). */
    public long badFrames() {
        return bad;
    }

    public void clear() {
        len = 0;
        overflow = false;
    }
}
