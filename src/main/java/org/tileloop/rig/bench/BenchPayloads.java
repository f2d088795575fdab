package org.tileloop.rig.bench;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * The payloads BenchRig sends and reads (drivers/protocol.md §4), translated between the rig
 * file's channel and input order and the controller's numbering. Timestamps are read as i32 (v1.1
 * sessions send readings before the origin as negative numbers; v1.0 controllers never send 2³¹ or
 * more).
 */
final class BenchPayloads {

    private static final Logger LOG = LoggerFactory.getLogger(BenchPayloads.class);

    private final Handshake handshake;
    /** Rig channel → controller channel (a rig channel has its controller channel's name). */
    private final int[] channelIndex;
    /** Rig input name → controller input. */
    private final Map<String, Integer> inputIndex;
    private boolean countLimitWarned;

    BenchPayloads(Handshake handshake, int[] channelIndex, Map<String, Integer> inputIndex) {
        this.handshake = handshake;
        this.channelIndex = channelIndex.clone();
        this.inputIndex = Map.copyOf(inputIndex);
    }

    /** SET_PARAMS: every controller parameter's code, by controller index. */
    static byte[] setParams(int[] codes) {
        ByteBuffer b = ByteBuffer.allocate(1 + 3 * codes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) codes.length);
        for (int k = 0; k < codes.length; k++) {
            b.put((byte) k).putShort((short) codes[k]);
        }
        return b.array();
    }

    byte[] fireBatch(int id, List<Stimulus> stimuli) {
        ByteBuffer b = ByteBuffer.allocate(Frame.MAX_PAYLOAD).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) id).putShort((short) stimuli.size());
        for (Stimulus s : stimuli) {
            b.put((byte) s.inputDelaysNs().size());
            s.inputDelaysNs().forEach((input, ns) -> b.put((byte) (int) inputIndex.get(input)).putInt((int) Math.round(ns * 1000)));
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** A new session: the count-limit warning may be logged again. */
    void newSession() {
        countLimitWarned = false;
    }

    /** Checks a FIRE_BATCH reply: the batch it names, measured whole. */
    static void fired(ByteBuffer r, int id, int n) {
        try {
            int gotId = r.getShort() & 0xFFFF;
            int measured = r.getShort() & 0xFFFF;
            if (gotId != id || measured != n || r.hasRemaining()) {
                throw new MeasurementException("bench FIRE_BATCH reply violates the protocol: batch " + gotId + " with " + measured
                        + " measured, for batch " + id + " of " + n + " stimuli (drivers/protocol.md, FIRE_BATCH)");
            }
        } catch (BufferUnderflowException e) {
            throw new MeasurementException("bench FIRE_BATCH reply is truncated", e);
        }
    }

    static byte[] readResult(int id, int index) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) id).putShort((short) index).array();
    }

    /** REF_PULSE on every rig channel, {@code delayNs} after the origin. */
    byte[] refPulse(double delayNs) {
        int mask = 0;
        for (int c : channelIndex) {
            mask |= 1 << c;
        }
        return ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).put((byte) mask)
                .putInt((int) Math.round(delayNs * 1000)).array();
    }

    /** A REF_PULSE reply: raw ns in rig channel order (every rig channel was in the mask, so every value is a reading). */
    List<Double> reference(ByteBuffer r) {
        try {
            int n = r.get() & 0xFF;
            int[] ts = new int[n];
            for (int c = 0; c < n; c++) {
                ts[c] = r.getInt();
            }
            List<Double> raw = new ArrayList<>();
            for (int c : channelIndex) {
                if (c >= n) {
                    throw new MeasurementException("bench REF_PULSE reply lacks channel " + handshake.channels().get(c));
                }
                raw.add(ts[c] * handshake.timingLsbPs() / 1000.0);
            }
            return raw;
        } catch (BufferUnderflowException e) {
            throw new MeasurementException("bench REF_PULSE reply is truncated", e);
        }
    }

    /**
     * A READ_RESULT reply for stimulus {@code index} of batch {@code id}: calibrated timestamps and
     * the controller's spike count per rig channel (the count may exceed the timestamps it kept).
     * The controller measures the whole window, so the counts are {@link SpikeCounts#COMPLETE} and the
     * window end is the one it announced in HELLO.
     */
    StimulusResult result(Stimulus stimulus, int id, int index, ByteBuffer r, Calibration calibration) {
        try {
            if ((r.getShort() & 0xFFFF) != id || (r.getShort() & 0xFFFF) != index) {
                throw new MeasurementException("bench reply for the wrong batch or stimulus");
            }
            int flags = r.get() & 0xFF;
            long energyFj = r.getInt() & 0xFFFFFFFFL;
            if ((flags & 2) != 0 && !countLimitWarned) {
                countLimitWarned = true;
                LOG.warn("bench {}: the board's spike counter reached its limit; those spike counts are lower bounds", handshake.boardId());
            }
            int n = r.get() & 0xFF;
            if (n != handshake.channels().size()) {
                throw new MeasurementException("bench READ_RESULT reply is malformed");
            }
            List<ChannelResult> perChannel = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                String name = handshake.channels().get(c);
                int count = r.get() & 0xFF;
                int stored = r.get() & 0xFF;
                if (stored > count) {
                    throw new MeasurementException("bench READ_RESULT reply is malformed: channel " + name + " has " + stored
                            + " timestamps but a spike count of " + count);
                }
                List<Timing> spikes = new ArrayList<>();
                for (int k = 0; k < stored; k++) {
                    double rawNs = r.getInt() * handshake.timingLsbPs() / 1000.0;
                    spikes.add(calibration.apply(name, rawNs));
                }
                perChannel.add(new ChannelResult(name, spikes, OptionalInt.of(count)));
            }
            if (r.hasRemaining()) {
                throw new MeasurementException("bench READ_RESULT reply is malformed");
            }
            List<ChannelResult> channels = new ArrayList<>();
            for (int c : channelIndex) {
                channels.add(perChannel.get(c));
            }
            OptionalDouble energyPj = (flags & 1) != 0 ? OptionalDouble.of(energyFj / 1000.0) : OptionalDouble.empty();
            return new StimulusResult(stimulus, channels, energyPj, SpikeCounts.COMPLETE, 
                    handshake.windowPs() > 0 ? OptionalDouble.of(handshake.windowPs() / 1000.0) : OptionalDouble.empty());
        } catch (BufferUnderflowException e) {
            throw new MeasurementException("bench READ_RESULT reply is truncated", e);
        }
    }
}
