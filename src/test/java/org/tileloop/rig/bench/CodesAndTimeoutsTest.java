package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.MeasurementException;

/** Values to codes on the handshake's maps (drivers/protocol.md, HELLO) and the adaptive reply timeouts (section 5). */
class CodesAndTimeoutsTest {

    /** value = 10 - code / 10 over codes 0..100; safety [2.05, 5]: safe codes 50..79, as the core computes them. */
    static final Handshake.Param DECREASING = new Handshake.Param(0, "bias", "V", 0, 100, 60, 10.0, 0.0, 2.05, 5.0, 50, 79);

    @Test
    void aDecreasingMapRoundsToTheNearestCodeAndClampsOnlyWithinOneCode() {
        assertEquals(50, DECREASING.code(5.0), "the safety maximum is the smallest safe code");
        assertEquals(5.0, DECREASING.value(50), 1e-12);
        assertEquals(61, DECREASING.code(3.95), "exact 60.5: ties go to the larger code");
        assertEquals(50, DECREASING.code(5.06), "exact 49.4 lies less than one code beyond safe_code_min: the safe bound");
        assertEquals(-1, DECREASING.code(5.11), "exact 48.9: no safe code");
        assertEquals(79, DECREASING.code(2.05), "exact 79.5 rounds to 80, unsafe, but lies within one code of 79");
        assertEquals(-1, DECREASING.code(2.0), "exact 80: outside");
    }

    static byte[] hello(int codeMin, int codeMax, int defaultCode, float atMin, float atMax, int safeMin, int safeMax) {
        ByteBuffer b = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put(BenchRigExchangeTest.str("fw")).put(BenchRigExchangeTest.str("b")).putInt(1).putInt(20000).putInt(30000)
                .putShort((short) 16).put((byte) 8).put((byte) 1).put(BenchRigExchangeTest.str("n0")).put((byte) 1)
                .put(BenchRigExchangeTest.str("in0")).put((byte) 1).put(BenchRigExchangeTest.str("bias")).put(BenchRigExchangeTest.str("V"))
                .putShort((short) codeMin).putShort((short) codeMax).putShort((short) defaultCode).putFloat(atMin).putFloat(atMax)
                .putFloat(2.05f).putFloat(5f).putShort((short) safeMin).putShort((short) safeMax).put((byte) 1);
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void theHandshakeRefusesMapsTheProtocolDoesNotAllow() {
        Handshake ok = Handshake.parse(hello(0, 100, 60, 10f, 0f, 50, 79), true);
        assertEquals(1, ok.minorVersion());
        assertEquals(DECREASING, ok.parameters().get(0));
        MeasurementException unsafeDefault = assertThrows(MeasurementException.class,
                () -> Handshake.parse(hello(0, 100, 10, 10f, 0f, 50, 79), true));
        assertEquals("bench HELLO reply: parameter bias: default_code 10 is outside the safe codes [50, 79] (drivers/protocol.md, HELLO)",
                unsafeDefault.getMessage());
        assertTrue(assertThrows(MeasurementException.class, () -> Handshake.parse(hello(100, 100, 100, 10f, 0f, 100, 100), true))
                .getMessage().contains("code_min 100 is not below code_max 100"));
        assertTrue(assertThrows(MeasurementException.class, () -> Handshake.parse(hello(0, 100, 60, 3f, 3f, 50, 79), true))
                .getMessage().contains("must be finite and differ"));
        byte[] noMinor = hello(0, 100, 60, 10f, 0f, 50, 79);
        assertEquals(0, Handshake.parse(Arrays.copyOf(noMinor, noMinor.length - 1), false).minorVersion(), "a v1.0 handshake");
        assertThrows(MeasurementException.class, () -> Handshake.parse(Arrays.copyOf(noMinor, noMinor.length - 1), true),
                "asked for a minor version, none came");
    }

    @Test
    void timeoutsFollowMeasuredRoundTripsWithinTheirBounds() {
        RoundTrips rtt = new RoundTrips();
        assertEquals(300, rtt.timeoutMs(Frame.READ_RESULT, 1, 0, 300), "the configured bound before any sample");
        rtt.sample(Frame.READ_RESULT, 1, 2.0);
        assertEquals(2.0 + 4 * 1.0, rtt.timeoutMs(Frame.READ_RESULT, 1, 0, 300), 1e-9, "RFC 6298: SRTT + 4 RTTVAR, RTTVAR = R / 2");
        rtt.sample(Frame.READ_RESULT, 1, 2.0);
        assertEquals(2.0, rtt.srttMs(Frame.READ_RESULT), 1e-12);
        assertEquals(5.0, rtt.timeoutMs(Frame.READ_RESULT, 1, 0, 300), 1e-9, "RTTVAR 0.75: 5 ms, the floor");
        assertEquals(20.0, rtt.timeoutMs(Frame.READ_RESULT, 1, 2, 300), 1e-9, "doubled per timeout of the same request");
        assertEquals(300, rtt.timeoutMs(Frame.READ_RESULT, 1, 10, 300), "never beyond the bound");
        assertEquals(300, rtt.timeoutMs(Frame.FIRE_BATCH, 16, 0, 300), "per command type");
        rtt.sample(Frame.FIRE_BATCH, 16, 32.0);
        assertEquals(16 * (2.0 + 4 * 1.0), rtt.timeoutMs(Frame.FIRE_BATCH, 16, 0, 1100), 1e-9, "FIRE_BATCH per stimulus");
        assertEquals(2 * (2.0 + 4 * 1.0), rtt.timeoutMs(Frame.FIRE_BATCH, 2, 0, 1100), 1e-9);
    }
}
