package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameTest {

    static byte[] hex(String s) {
        return HexFormat.ofDelimiter(" ").parseHex(s);
    }

    @Test
    void crc32MatchesTheCatalogueCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xCBF43926L, Frame.crc32(check, check.length));
    }

    @Test
    void cobsMatchesPublishedExamples() {
        assertArrayEquals(hex("01 01"), Frame.cobsEncode(hex("00")));
        assertArrayEquals(hex("01 01 01"), Frame.cobsEncode(hex("00 00")));
        assertArrayEquals(hex("03 11 22 02 33"), Frame.cobsEncode(hex("11 22 00 33")));
        assertArrayEquals(hex("05 11 22 33 44"), Frame.cobsEncode(hex("11 22 33 44")));
        assertArrayEquals(hex("02 11 01 01 01"), Frame.cobsEncode(hex("11 00 00 00")));
        byte[] run = new byte[254];
        for (int i = 0; i < run.length; i++) {
            run[i] = (byte) (i + 1);
        }
        byte[] enc = Frame.cobsEncode(run);
        assertEquals(255, enc.length, "01..FE encodes as FF 01..FE, no trailing code");
        assertEquals((byte) 0xFF, enc[0]);
        byte[] withZero = new byte[255];
        System.arraycopy(run, 0, withZero, 1, 254);
        byte[] enc2 = Frame.cobsEncode(withZero);
        assertArrayEquals(hex("01 FF"), new byte[] {enc2[0], enc2[1]}, "00 01..FE starts 01 FF");
        for (byte[] in : List.of(run, withZero, hex("00"), hex("11 22 00 33"), new byte[0])) {
            byte[] e = Frame.cobsEncode(in);
            assertArrayEquals(in, Frame.cobsDecode(e, e.length));
        }
    }

    @Test
    void helloFrameHasTheDocumentedBytes() {
        assertArrayEquals(hex("04 01 01 01 02 01 06 01 7e 74 e2 bb 00"), new Frame(Frame.HELLO, 1, new byte[] {1}).encode());
        assertArrayEquals(hex("04 01 83 02 02 01 06 01 7d bb 3a af 00"), new Frame(Frame.ARM | Frame.REPLY, 2, new byte[] {1}).encode());
    }

    @Test
    void decoderDropsCorruptFramesAndKeepsGoodOnes() {
        byte[] good = new Frame(Frame.STATUS | Frame.REPLY, 7, new byte[] {0, 1, 2, 3}).encode();
        byte[] bad = good.clone();
        bad[5] ^= 0x10;
        byte[] stream = new byte[good.length * 3];
        System.arraycopy(bad, 0, stream, 0, good.length);
        System.arraycopy(good, 0, stream, good.length, good.length);
        System.arraycopy(good, 0, stream, 2 * good.length, good.length - 3);
        FrameDecoder d = new FrameDecoder();
        List<Frame> frames = d.feed(stream, stream.length - 3);
        assertEquals(1, frames.size());
        assertEquals(7, frames.get(0).seq());
        assertArrayEquals(new byte[] {0, 1, 2, 3}, frames.get(0).payload());
        assertTrue(d.badFrames() >= 1, "the corrupted frame is counted, not returned");
        List<Frame> rest = d.feed(new byte[] {good[good.length - 3], good[good.length - 2], 0}, 3);
        assertEquals(1, rest.size(), "a frame split across reads is reassembled");
        byte[] body = Frame.cobsDecode(good, good.length - 1);
        for (int bit = 0; bit < 8 * body.length; bit++) {
            byte[] flipped = body.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] wire = Frame.cobsEncode(flipped);
            assertTrue(Frame.decode(wire, wire.length).isEmpty(), "single-bit error at body bit " + bit + " detected");
        }
    }

    @Test
    void framesOfAnyVersionDecodeAndTellTheirVersion() {
        byte[] v2 = new Frame(2, Frame.ERROR, 9, new byte[] {11, 0}).encode();
        Frame f = Frame.decode(v2, v2.length - 1).orElseThrow();
        assertEquals(2, f.version());
        assertEquals(9, f.seq());
        assertEquals(1, new Frame(Frame.HELLO, 1, new byte[] {1}).version());
    }

    @Test
    void emptyFramesAreIgnoredAndAnOverLongRunCountsOnce() {
        FrameDecoder d = new FrameDecoder();
        byte[] good = new Frame(Frame.ARM | Frame.REPLY, 3, new byte[] {1}).encode();
        byte[] stream = new byte[3 + good.length];
        System.arraycopy(good, 0, stream, 3, good.length);
        assertEquals(1, d.feed(stream, stream.length).size(), "leading zeros are empty frames");
        assertEquals(0, d.badFrames());
        byte[] flood = new byte[5000];
        java.util.Arrays.fill(flood, (byte) 0x11);
        d.feed(flood, flood.length);
        List<Frame> after = d.feed(new byte[] {0}, 1);
        assertTrue(after.isEmpty());
        assertEquals(1, d.badFrames(), "5000 bytes without a delimiter: one malformed frame");
        assertEquals(1, d.feed(good, good.length).size(), "the next frame decodes");
    }
}
