package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.tileloop.rig.bench.BenchRigExchangeTest.fireDefaults;
import static org.tileloop.rig.bench.BenchRigExchangeTest.handshake;
import static org.tileloop.rig.bench.BenchRigExchangeTest.helloPayload;
import static org.tileloop.rig.bench.BenchRigExchangeTest.le;
import static org.tileloop.rig.bench.BenchRigExchangeTest.rep;
import static org.tileloop.rig.bench.BenchRigExchangeTest.req;
import static org.tileloop.rig.bench.BenchRigExchangeTest.result;
import static org.tileloop.rig.bench.BenchRigExchangeTest.rig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;

/** The host's side of drivers/protocol.md v1.1, rule by rule, against a scripted controller. */
class BenchHostRulesTest {

    static BenchSettings settings(int timeoutMs) {
        return new BenchSettings("/dev/fake", 115200, timeoutMs, 3, 1, Optional.empty(), BenchRigExchangeTest.SETTINGS.gpio());
    }

    static BenchRig open(ScriptedSerialLink link, BenchSettings s) {
        return new BenchRig(rig(1.8), s, () -> link, GpioLines.NONE, IdentityCalibration.INSTANCE);
    }

    static List<StimulusResult> measure(BenchRig rig) {
        return rig.measure(rig.description().defaults(), List.of(Stimulus.delay(rig.description(), 4.5)));
    }

    @Test
    void aV10ControllerRefusesTheTwoByteHelloAndTheHostSpeaks10() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        link.expect(req(Frame.HELLO, 1, (byte) 1, (byte) 1), new Frame(Frame.ERROR, 1, new byte[] {2, 0}));
        link.expect(req(Frame.HELLO, 2, (byte) 1), rep(Frame.HELLO, 2, helloPayload()));
        link.expect(req(Frame.RESET, 3, (byte) 3), rep(Frame.RESET, 3, (byte) 0));
        BenchRig rig = open(link, settings(30));
        link.assertDone();
        assertEquals("1.0", rig.handshake().version());
        assertEquals("1.0", rig.provenance().get("bench_protocol_version"));
    }

    @Test
    void aCorruptReplyIsResentAtOnceNotAfterTheTimeout() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        Frame hello = req(Frame.HELLO, 1, (byte) 1, (byte) 1);
        byte[] corrupt = rep(Frame.HELLO, 1, helloPayload()).encode();
        corrupt[9] ^= 0x04;
        link.expect(hello.encode(), corrupt);
        byte[] hs = helloPayload();
        byte[] withMinor = Arrays.copyOf(hs, hs.length + 1);
        withMinor[hs.length] = 1;
        link.expectResend(hello, rep(Frame.HELLO, 1, withMinor));
        link.expect(req(Frame.RESET, 2, (byte) 3), rep(Frame.RESET, 2, (byte) 0));
        long t0 = System.nanoTime();
        BenchRig rig = open(link, settings(5000));
        double ms = (System.nanoTime() - t0) / 1e6;
        link.assertDone();
        assertTrue(ms < 1000, "resent without waiting the 5000 ms timeout: " + ms + " ms");
        assertEquals(1, rig.linkStatistics().resentMalformed());
    }

    @Test
    void aLostReplyCostsTheLearntTimeoutNotTheConfiguredOne() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        link.expect(req(Frame.SET_PARAMS, 3, (byte) 2, (byte) 0, (byte) 151, (byte) 0, (byte) 1, (byte) 0xF5, (byte) 0x08), rep(Frame.SET_PARAMS, 3));
        link.expect(req(Frame.ARM, 4, (byte) 1), rep(Frame.ARM, 4, (byte) 1));
        byte[] fire = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1).putShort((short) 2)
                .put((byte) 1).put((byte) 0).putInt(4500).put((byte) 1).put((byte) 0).putInt(6500).array();
        link.expect(req(Frame.FIRE_BATCH, 5, fire), rep(Frame.FIRE_BATCH, 5, le(1, 2)));
        link.expect(req(Frame.READ_RESULT, 6, le(1, 0)), rep(Frame.READ_RESULT, 6, result(1)));
        Frame second = req(Frame.READ_RESULT, 7, le(1, 1));
        link.expect(second, null);
        byte[] r1 = result(1);
        r1[2] = 1;
        link.expectResend(second, rep(Frame.READ_RESULT, 7, r1));
        BenchRig rig = open(link, settings(3000));
        long t0 = System.nanoTime();
        List<StimulusResult> r = rig.measure(rig.description().defaults(),
                List.of(Stimulus.delay(rig.description(), 4.5), Stimulus.delay(rig.description(), 6.5)));
        double ms = (System.nanoTime() - t0) / 1e6;
        link.assertDone();
        assertEquals(2, r.size());
        assertTrue(ms < 1000, "one timeout of max(5 ms, SRTT + 4 RTTVAR), not 3000 ms: " + ms + " ms");
        LinkStatistics.Command read = rig.linkStatistics().commands().stream().filter(c -> c.name().equals("READ_RESULT")).findFirst()
                .orElseThrow();
        assertEquals(new LinkStatistics.Command("READ_RESULT", 2, 0, 1, read.srttMs()), read);
        assertTrue(read.srttMs() < 50, "sampled from the first, unambiguous READ_RESULT: " + read.srttMs());
    }

    @Test
    void aReplyInAnotherProtocolVersionIsFinal() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        link.expect(req(Frame.HELLO, 1, (byte) 1, (byte) 1), new Frame(2, Frame.ERROR, 1, new byte[] {11, 0}));
        BenchProtocolException e = assertThrows(BenchProtocolException.class, () -> open(link, settings(30)));
        assertEquals(BenchProtocolException.VERSION, e.code());
        assertTrue(e.getMessage().contains("answered in protocol version 2; this host speaks 1.1"), e.getMessage());
        link.assertDone();
    }

    @Test
    void timestampsAreSignedAndCountsAreTheControllersEvenWhenLimited() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        fireDefaults(link, 3, 1);
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 1).putShort((short) 0).put((byte) 2).putInt(0).put((byte) 2);
        b.put((byte) 5).put((byte) 5).putInt(-20).putInt(10).putInt(20).putInt(30).putInt(40);
        b.put((byte) 0).put((byte) 0);
        link.expect(req(Frame.READ_RESULT, 6, le(1, 0)), rep(Frame.READ_RESULT, 6, Arrays.copyOf(b.array(), b.position())));
        BenchRig rig = open(link, settings(30));
        StimulusResult r = measure(rig).get(0);
        link.assertDone();
        var n1 = r.channels().get(1);
        assertEquals(-20 * 0.055, n1.spikes().get(0).rawNs(), 1e-12, "a reading before the origin");
        assertEquals(OptionalInt.of(5), n1.spikeCount(), "flags bit 1: a lower bound, used as sent");
        assertTrue(r.energyPj().isEmpty());
    }

    @Test
    void aBatchReplyWithFewerMeasuredThanFiredIsAProtocolViolation() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        link.expect(req(Frame.SET_PARAMS, 3, (byte) 2, (byte) 0, (byte) 151, (byte) 0, (byte) 1, (byte) 0xF5, (byte) 0x08), rep(Frame.SET_PARAMS, 3));
        link.expect(req(Frame.ARM, 4, (byte) 1), rep(Frame.ARM, 4, (byte) 1));
        byte[] fire = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1).putShort((short) 1)
                .put((byte) 1).put((byte) 0).putInt(4500).array();
        link.expect(req(Frame.FIRE_BATCH, 5, fire), rep(Frame.FIRE_BATCH, 5, le(1, 0)));
        BenchRig rig = open(link, settings(30));
        MeasurementException e = assertThrows(MeasurementException.class, () -> measure(rig));
        assertEquals("bench FIRE_BATCH reply violates the protocol: batch 1 with 0 measured, for batch 1 of 1 stimuli "
                + "(drivers/protocol.md, FIRE_BATCH)", e.getMessage());
        link.assertDone();
    }

    @Test
    void aControllerThatLostItsStateIsHandshakenAgainAndGetsItsCodesBack() {
        ScriptedSerialLink first = new ScriptedSerialLink();
        handshake(first);
        first.expect(req(Frame.SET_PARAMS, 3, (byte) 2, (byte) 0, (byte) 151, (byte) 0, (byte) 1, (byte) 0xF5, (byte) 0x08), rep(Frame.SET_PARAMS, 3));
        first.expect(req(Frame.ARM, 4, (byte) 1), rep(Frame.ARM, 4, (byte) 1));
        byte[] fire = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1).putShort((short) 1)
                .put((byte) 1).put((byte) 0).putInt(4500).array();
        first.expect(req(Frame.FIRE_BATCH, 5, fire), new Frame(Frame.ERROR, 5, new byte[] {6, 0}));
        ScriptedSerialLink second = new ScriptedSerialLink();
        BenchRigExchangeTest.hello11(second);
        second.expect(req(Frame.RESET, 2, (byte) 1), rep(Frame.RESET, 2, (byte) 0));
        fireDefaults(second, 3, 2);
        second.expect(req(Frame.READ_RESULT, 6, le(2, 0)), rep(Frame.READ_RESULT, 6, result(2)));
        Deque<SerialLink> links = new ArrayDeque<>(List.of(first, second));
        BenchRig rig = new BenchRig(rig(1.8), settings(30), links::poll, GpioLines.NONE, IdentityCalibration.INSTANCE);
        assertEquals(1, measure(rig).size());
        first.assertDone();
        second.assertDone();
        assertTrue(first.closed(), "the old session was closed");
    }

    @Test
    void referencePulsesStopOnAnInterlockFromTheControllerOrTheHostInput() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        byte[] ref = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).put((byte) 3).putInt(2000).array();
        link.expect(req(Frame.REF_PULSE, 3, ref), new Frame(Frame.ERROR, 3, new byte[] {7, 0}));
        BenchRig rig = open(link, settings(30));
        assertThrows(InterlockException.class, () -> rig.measureReference(2.0));
        link.assertDone();

        ScriptedSerialLink quiet = new ScriptedSerialLink();
        handshake(quiet);
        GpioLines gpio = mock(GpioLines.class);
        BenchRig held = new BenchRig(rig(1.8), settings(30), () -> quiet, gpio, IdentityCalibration.INSTANCE);
        when(gpio.interlockActive()).thenReturn(true);
        InterlockException e = assertThrows(InterlockException.class, () -> held.measureReference(2.0));
        assertTrue(e.getMessage().endsWith("(host interlock input)"), e.getMessage());
        quiet.assertDone();
    }

    @Test
    void aStatusReplyHasTheCountersOnlyInA11Session() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 3).putInt(120).putInt(7).put((byte) 2).putShort((short) 151).putShort((short) 2293);
        int v10 = b.position();
        b.putInt(4).putInt(1).putInt(64).putInt(45).putInt(2);
        BenchStatus s = BenchStatus.parse(ByteBuffer.wrap(b.array(), 0, b.position()).order(ByteOrder.LITTLE_ENDIAN), 1);
        assertTrue(s.armed() && s.interlockLatched());
        assertEquals(List.of(120L, 7L, 4L, 1L, 64L, 45L, 2L), List.of(s.framesOk(), s.framesMalformed(), s.replays().getAsLong(),
                s.errors().getAsLong(), s.stimuli().getAsLong(), s.referencePulses().getAsLong(), s.interlockTrips().getAsLong()));
        assertEquals(List.of(151, 2293), s.codes());
        BenchStatus old = BenchStatus.parse(ByteBuffer.wrap(b.array(), 0, v10).order(ByteOrder.LITTLE_ENDIAN), 0);
        assertTrue(old.replays().isEmpty());
        assertThrows(MeasurementException.class,
                () -> BenchStatus.parse(ByteBuffer.wrap(b.array(), 0, v10).order(ByteOrder.LITTLE_ENDIAN), 1), "truncated for 1.1");
    }
}
