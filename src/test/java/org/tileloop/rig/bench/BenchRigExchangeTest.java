package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;

/** The exact command/reply exchange of BenchRig against a scripted controller. */
class BenchRigExchangeTest {

    static final BenchSettings SETTINGS = new BenchSettings("/dev/fake", 115200, 30, 3, 1, Optional.empty(),
            new BenchSettings.Gpio("none", -1, -1, -1, -1, true));

    static RigDescription rig(double iinSafetyMax) {
        return new RigDescription("fake", RigKind.BENCH, "", List.of(
                new ParameterSpec("r_fb", "ohm", 2000, 6000, 3000, 1000, 20000, true),
                new ParameterSpec("iin_amp", "V", 1.2, 1.8, 1.4, 0, iinSafetyMax, true)),
                List.of(new ChannelSpec("n0", "", 0.9, 0), new ChannelSpec("n1", "", 0.9, 0)),
                List.of(new InputSpec("in0", "", "", "iin_amp", 0.05, 10)));
    }

    static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        out[0] = (byte) b.length;
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    static byte[] helloPayload() {
        ByteBuffer b = ByteBuffer.allocate(400).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put(str("fw 1.0")).put(str("board-7")).putInt(55).putInt(20000).putInt(30000).putShort((short) 16).put((byte) 8);
        b.put((byte) 2).put(str("n1")).put(str("n0"));
        b.put((byte) 1).put(str("in0"));
        b.put((byte) 2);
        b.put(str("r_fb")).put(str("ohm")).putShort((short) 0).putShort((short) 1023).putShort((short) 151)
                .putFloat(50f).putFloat(20050f).putFloat(1000f).putFloat(20000f).putShort((short) 49).putShort((short) 1020);
        b.put(str("iin_amp")).put(str("V")).putShort((short) 0).putShort((short) 4095).putShort((short) 2293)
                .putFloat(0f).putFloat(2.5f).putFloat(0f).putFloat(1.8f).putShort((short) 0).putShort((short) 2948);
        return Arrays.copyOf(b.array(), b.position());
    }

    static Frame req(int type, int seq, byte... payload) {
        return new Frame(type, seq, payload);
    }

    static Frame rep(int type, int seq, byte... payload) {
        return new Frame(type | Frame.REPLY, seq, payload);
    }

    static byte[] le(int... shorts) {
        ByteBuffer b = ByteBuffer.allocate(2 * shorts.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : shorts) {
            b.putShort((short) s);
        }
        return b.array();
    }

    /** HELLO asking for 1.1, answered by a 1.1 controller (the handshake plus the minor version). */
    static Frame hello11(ScriptedSerialLink link) {
        byte[] hs = helloPayload();
        byte[] withMinor = Arrays.copyOf(hs, hs.length + 1);
        withMinor[hs.length] = 1;
        link.expect(req(Frame.HELLO, 1, (byte) 1, (byte) 1), rep(Frame.HELLO, 1, withMinor));
        return req(Frame.HELLO, 1, (byte) 1, (byte) 1);
    }

    static void handshake(ScriptedSerialLink link) {
        hello11(link);
        link.expect(req(Frame.RESET, 2, (byte) 3), rep(Frame.RESET, 2, (byte) 0));
    }

    /** SET_PARAMS r_fb=151 (3000 ohm), iin_amp=2293 (1.4 V); ARM; FIRE in0 at 4.5 ns. */
    static void fireDefaults(ScriptedSerialLink link, int seq, int batch) {
        link.expect(req(Frame.SET_PARAMS, seq, (byte) 2, (byte) 0, (byte) 151, (byte) 0, (byte) 1, (byte) 0xF5, (byte) 0x08),
                rep(Frame.SET_PARAMS, seq));
        link.expect(req(Frame.ARM, seq + 1, (byte) 1), rep(Frame.ARM, seq + 1, (byte) 1));
        byte[] fire = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putShort((short) batch).putShort((short) 1)
                .put((byte) 1).put((byte) 0).putInt(4500).array();
        link.expect(req(Frame.FIRE_BATCH, seq + 2, fire), rep(Frame.FIRE_BATCH, seq + 2, le(batch, 1)));
    }

    /** Channel n1 (controller index 0): spikes at 120 and 130 LSB; n0 (index 1): one at 100 LSB. */
    static byte[] result(int batch) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) batch).putShort((short) 0).put((byte) 1).putInt(2500).put((byte) 2);
        b.put((byte) 2).put((byte) 2).putInt(120).putInt(130);
        b.put((byte) 1).put((byte) 1).putInt(100);
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void measuresOneStimulusWithExactFramesAndResendsTheSameBytesAfterALostAndACorruptReply() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        fireDefaults(link, 3, 1);
        Frame read = req(Frame.READ_RESULT, 6, le(1, 0));
        link.expect(read, null);
        byte[] corrupt = rep(Frame.READ_RESULT, 6, result(1)).encode();
        corrupt[4] ^= 0x01;
        link.expect(ScriptedSerialLink.resend(read), corrupt);
        link.expectResend(read, rep(Frame.READ_RESULT, 6, result(1)));
        BenchRig rig = new BenchRig(rig(1.8), SETTINGS, () -> link, GpioLines.NONE, IdentityCalibration.INSTANCE);
        assertEquals("board-7", rig.handshake().boardId());
        List<StimulusResult> r = rig.measure(rig.description().defaults(), List.of(Stimulus.delay(rig.description(), 4.5)));
        link.assertDone();
        assertEquals(1, r.size());
        assertEquals(List.of(100 * 0.055), r.get(0).channels().get(0).spikes().stream().map(t -> t.rawNs()).toList(), "n0 is controller channel 1");
        assertEquals(OptionalInt.of(2), r.get(0).channels().get(1).spikeCount());
        assertEquals(130 * 0.055, r.get(0).channels().get(1).spikes().get(1).rawNs(), 1e-12);
        assertEquals(2.5, r.get(0).energyPj().orElseThrow(), 1e-12);
        LinkStatistics stats = rig.linkStatistics();
        assertEquals(2, stats.resends(), stats.toString());
        assertEquals(1, stats.resentMalformed(), "the corrupt reply was resent at once");
        assertEquals(1, stats.resentTimeout(), "the lost one after a timeout");
        assertEquals(1, stats.malformedFrames());
        assertTrue(stats.toString().contains("READ_RESULT 2/1"), stats.toString());
    }

    /** n1 (controller index 0) counted {@code count} spikes and sent {@code stored} timestamps 200, 210, ...; n0 one at 100. */
    static byte[] manySpikes(int batch, int count, int stored) {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) batch).putShort((short) 0).put((byte) 0).putInt(0).put((byte) 2);
        b.put((byte) count).put((byte) stored);
        for (int k = 0; k < stored; k++) {
            b.putInt(200 + 10 * k);
        }
        b.put((byte) 1).put((byte) 1).putInt(100);
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void theControllersSpikeCountIsReportedWhenItKeptFewerTimestamps() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        fireDefaults(link, 3, 1);
        link.expect(req(Frame.READ_RESULT, 6, le(1, 0)), rep(Frame.READ_RESULT, 6, manySpikes(1, 13, 8)));
        BenchRig rig = new BenchRig(rig(1.8), SETTINGS, () -> link, GpioLines.NONE, IdentityCalibration.INSTANCE);
        StimulusResult r = rig.measure(rig.description().defaults(), List.of(Stimulus.delay(rig.description(), 4.5))).get(0);
        link.assertDone();
        assertEquals(SpikeCounts.COMPLETE, r.spikeCounts(), "the controller measured the whole window");
        ChannelResult n1 = r.channels().get(1);
        assertEquals("n1", n1.name());
        assertEquals(OptionalInt.of(13), n1.spikeCount(), "the controller's count, not its 8 stored timestamps");
        assertEquals(8, n1.spikes().size());
        assertEquals(270 * 0.055, n1.spikes().get(7).rawNs(), 1e-12);
        assertEquals(OptionalInt.of(1), r.channels().get(0).spikeCount());
        assertTrue(r.energyPj().isEmpty(), "energy flag clear");
    }

    @Test
    void moreTimestampsThanTheSpikeCountIsAMalformedReply() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        fireDefaults(link, 3, 1);
        link.expect(req(Frame.READ_RESULT, 6, le(1, 0)), rep(Frame.READ_RESULT, 6, manySpikes(1, 2, 3)));
        BenchRig rig = new BenchRig(rig(1.8), SETTINGS, () -> link, GpioLines.NONE, IdentityCalibration.INSTANCE);
        MeasurementException e = assertThrows(MeasurementException.class,
                () -> rig.measure(rig.description().defaults(), List.of(Stimulus.delay(rig.description(), 4.5))));
        assertEquals("bench READ_RESULT reply is malformed: channel n1 has 3 timestamps but a spike count of 2", e.getMessage());
    }

    @Test
    void refusesUnsafeRigFilesAndOutOfBoundsValuesBeforeSendingAnything() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        link.expect(req(Frame.ARM, 3, (byte) 0), rep(Frame.ARM, 3, (byte) 0));
        RigConfigurationException unsafe = assertThrows(RigConfigurationException.class,
                () -> new BenchRig(rig(2.0), SETTINGS, () -> link, GpioLines.NONE, IdentityCalibration.INSTANCE));
        assertTrue(unsafe.getMessage().contains("iin_amp safety limits [0, 2] V exceed the controller's [0, 1.8"), unsafe.getMessage());
        assertTrue(link.closed(), "refused: disarmed and closed");
        link.assertDone();

        ScriptedSerialLink link2 = new ScriptedSerialLink();
        handshake(link2);
        BenchRig rig = new BenchRig(rig(1.8), SETTINGS, () -> link2, GpioLines.NONE, IdentityCalibration.INSTANCE);
        var tooHigh = rig.description().defaults().with("iin_amp", 1.85);
        RigConfigurationException e = assertThrows(RigConfigurationException.class,
                () -> rig.measure(tooHigh, List.of(Stimulus.delay(rig.description(), 4.5))));
        assertTrue(e.getMessage().contains("iin_amp"), e.getMessage());
        assertThrows(RigConfigurationException.class,
                () -> rig.measure(rig.description().defaults(), List.of(new Stimulus(Map.of("in0", 25.0)))),
                "delay beyond the controller's max_delay_ps");
        link2.assertDone();
    }

    @Test
    void aDeadLinkIsReopenedHandshakenAndTheBatchFiredAgain() throws IOException {
        ScriptedSerialLink first = new ScriptedSerialLink();
        handshake(first);
        fireDefaults(first, 3, 1);
        ScriptedSerialLink second = new ScriptedSerialLink();
        hello11(second);
        second.expect(req(Frame.RESET, 2, (byte) 1), rep(Frame.RESET, 2, (byte) 0));
        fireDefaults(second, 3, 2);
        second.expect(req(Frame.READ_RESULT, 6, le(2, 0)), rep(Frame.READ_RESULT, 6, result(2)));
        Deque<SerialLink> links = new ArrayDeque<>(List.of(new FailingAfterFire(first), second));
        BenchRig rig = new BenchRig(rig(1.8), SETTINGS, links::poll, GpioLines.NONE, IdentityCalibration.INSTANCE);
        List<StimulusResult> r = rig.measure(rig.description().defaults(), List.of(Stimulus.delay(rig.description(), 4.5)));
        first.assertDone();
        second.assertDone();
        assertEquals(100 * 0.055, r.get(0).channels().get(0).firstSpike().orElseThrow().rawNs(), 1e-12);
        assertEquals(1, rig.linkStatistics().reconnects(), rig.linkStatistics().toString());
    }

    @Test
    void aTrippedHostInterlockSwitchesTheDriveOffAndFiresNothing() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        GpioLines gpio = mock(GpioLines.class);
        when(gpio.interlockActive()).thenReturn(true);
        BenchRig rig = new BenchRig(rig(1.8), SETTINGS, () -> link, gpio, IdentityCalibration.INSTANCE);
        InterlockException e = assertThrows(InterlockException.class,
                () -> rig.measure(rig.description().defaults(), List.of(Stimulus.delay(rig.description(), 4.5))));
        assertTrue(e.getMessage().contains("interlock tripped on bench board-7"), e.getMessage());
        link.assertDone();
        verify(gpio, atLeastOnce()).setEnable(false);
        verify(gpio, never()).setEnable(true);
        verify(gpio, never()).pulseTrigger();
    }

    @Test
    void anInterlockErrorFromTheControllerPausesWithTheDriveOff() {
        ScriptedSerialLink link = new ScriptedSerialLink();
        handshake(link);
        link.expect(req(Frame.SET_PARAMS, 3, (byte) 2, (byte) 0, (byte) 151, (byte) 0, (byte) 1, (byte) 0xF5, (byte) 0x08),
                rep(Frame.SET_PARAMS, 3));
        link.expect(req(Frame.ARM, 4, (byte) 1), new Frame(Frame.ERROR, 4, new byte[] {7, 3, 'o', 'f', 'f'}));
        GpioLines gpio = mock(GpioLines.class);
        BenchRig rig = new BenchRig(rig(1.8), SETTINGS, () -> link, gpio, IdentityCalibration.INSTANCE);
        assertThrows(InterlockException.class,
                () -> rig.measure(rig.description().defaults(), List.of(Stimulus.delay(rig.description(), 4.5))));
        link.assertDone();
        verify(gpio, never()).setEnable(true);
    }

    /** The scripted link, except that reading after the FIRE_BATCH reply fails like an unplugged adapter (EIO). */
    static final class FailingAfterFire implements SerialLink {
        private final ScriptedSerialLink inner;
        private int writes;

        FailingAfterFire(ScriptedSerialLink inner) {
            this.inner = inner;
        }

        @Override
        public void write(byte[] data) throws IOException {
            if (++writes > 5) {
                throw new IOException("write failed (error 5)");
            }
            inner.write(data);
        }

        @Override
        public int read(byte[] buf, int timeoutMs) throws IOException {
            return inner.read(buf, timeoutMs);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
