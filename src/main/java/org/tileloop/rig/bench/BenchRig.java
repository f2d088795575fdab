package org.tileloop.rig.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;

/**
 * A physical tile behind a bench controller (drivers/protocol.md) plus host GPIO lines.
 *
 * <p>Parameter values become controller codes through the handshake's linear map (rounded to the
 * nearest code); the rig file's bounds and safety limits are checked first, the controller checks
 * its own compiled-in limits again. Consecutive probes with the same codes share one SET_PARAMS
 * and are fired in batches of up to {@code max_batch} stimuli. A lost or corrupt reply is resent
 * with the same sequence number (the controller replays, never re-fires), at once after a corrupt
 * reply and after a timeout adapted to measured round trips otherwise; a vanished device is
 * reopened, handshaken and the unfinished batch fired again. An interlock trip switches the drive
 * off and throws {@link InterlockException}. Speaks protocol 1.1 with a 1.1 controller, 1.0 with a
 * 1.0 one. {@link #linkStatistics()} counts resends per command type; {@link #close()} logs them at
 * info level. Calls are serialised.
 *
 * <p>The controller measures the whole window: every result has complete spike counts, each the
 * controller's own count, which may exceed the {@code max_spikes} timestamps it keeps, and the
 * window end the controller announced in its handshake.
 */
public final class BenchRig extends org.tileloop.rig.AbstractRig {

    private static final Logger LOG = LoggerFactory.getLogger(BenchRig.class);

    private final RigDescription description;
    private final BenchSettings settings;
    private final SerialLink.Factory links;
    private final GpioLines gpio;
    private final Handshake handshake;
    private final RigMapping mapping;
    private final BenchPayloads payloads;
    private final RoundTrips rtt = new RoundTrips();
    private final LinkCounters counters = new LinkCounters();
    private BenchSession session;
    private int[] deviceCodes;
    private boolean armed;
    private int batchId;

    public BenchRig(RigDescription description, BenchSettings settings, SerialLink.Factory links, GpioLines gpio,
                    Calibration calibration) {
        super(calibration);
        this.description = description;
        this.settings = settings;
        this.links = links;
        this.gpio = gpio;
        gpio.setEnable(false);
        try {
            this.handshake = connect(true);
            this.mapping = new RigMapping(description, handshake);
            this.payloads = new BenchPayloads(handshake, mapping.channelIndex(), mapping.inputIndex());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens the device, says HELLO, resets the tile. {@code first}: clears a latched interlock (an operator started us). */
    private Handshake connect(boolean first) {
        long deadline = System.nanoTime() + (long) (settings.reconnectTimeoutS() * 1e9);
        RuntimeException last = null;
        do {
            try {
                BenchSession s = BenchSession.open(links.open(), settings, rtt, counters);
                try {
                    Handshake hs = s.handshake();
                    if (handshake != null && !hs.boardId().equals(handshake.boardId())) {
                        throw new RigUnavailableException(settings.device() + ": a different bench answered after reconnecting ("
                                + hs.boardId() + ", expected " + handshake.boardId() + ")");
                    }
                    settings.boardId().filter(id -> !id.equals(hs.boardId())).ifPresent(id -> {
                        throw new RigConfigurationException(settings.device() + ": bench board id is " + hs.boardId()
                                + ", the rig file expects " + id);
                    });
                    gpio.pulseReset();
                    ByteBuffer st = s.client().request(Frame.RESET, new byte[] {(byte) (first ? 0x03 : 0x01)}, 0);
                    if ((st.get() & 0x02) != 0) {
                        throw new InterlockException(interlockMessage(hs.boardId()) + (first ? " (the interlock input is still active)" : ""));
                    }
                    session = s;
                    deviceCodes = null;
                    armed = false;
                    if (payloads != null) {
                        payloads.newSession();
                    }
                    return hs;
                } catch (BenchClient.LinkLostException | RuntimeException e) {
                    s.close();
                    throw e;
                }
            } catch (BenchClient.LinkLostException e) {
                last = new RigUnavailableException(settings.device() + ": " + e.getMessage(), e);
            } catch (java.io.IOException e) {
                last = new RigUnavailableException(settings.device() + ": cannot open: " + e.getMessage(), e);
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        throw new RigUnavailableException("bench not reachable on " + settings.device() + " within "
                + Numbers.plain(settings.reconnectTimeoutS()) + " s (bench.reconnect_timeout_s): "
                + (last == null ? "" : last.getMessage()), last);
    }

    private String interlockMessage(String board) {
        return "interlock tripped on bench " + board + ": tile drive switched off. Clear the cause, then start again "
                + "(a training run: tileloop train --resume <run dir>)";
    }

    @Override
    public RigDescription description() {
        return description;
    }

    public Handshake handshake() {
        return handshake;
    }

    @Override
    public Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bench_firmware", handshake.firmwareVersion());
        p.put("bench_board_id", handshake.boardId());
        p.put("bench_protocol_version", handshake.version());
        p.put("bench_device", settings.device());
        p.put("timing_lsb_ps", Long.toString(handshake.timingLsbPs()));
        return p;
    }



    /** REF_PULSE on every rig channel; raw ns in rig channel order. An interlock trip throws {@link InterlockException}. */
    @Override
    public synchronized List<Double> measureReference(double delayNs) {
        if (!(delayNs >= 0 && delayNs * 1000 <= handshake.windowPs())) {
            throw new RigConfigurationException("rig " + description.id() + ": reference delay " + Numbers.plain(delayNs)
                    + " ns is outside the controller's window [0, " + Numbers.plain(handshake.windowPs() / 1000.0) + "] ns");
        }
        byte[] payload = payloads.refPulse(delayNs);
        while (true) {
            try {
                BenchClient c = client();
                checkHostInterlock();
                return payloads.reference(c.request(Frame.REF_PULSE, payload, 0));
            } catch (BenchClient.LinkLostException e) {
                LOG.warn("bench {}: {}", handshake.boardId(), e.getMessage());
                dropLink();
            } catch (BenchProtocolException e) {
                throw interlockOr(e);
            }
        }
    }

    /** The controller's state and counters (STATUS). */
    public synchronized BenchStatus status() {
        while (true) {
            try {
                BenchClient c = client();
                return BenchStatus.parse(c.request(Frame.STATUS, new byte[0], 0), handshake.minorVersion());
            } catch (BenchClient.LinkLostException e) {
                LOG.warn("bench {}: {}", handshake.boardId(), e.getMessage());
                dropLink();
            }
        }
    }

    /** The current session's client, reconnecting first when the link died. */
    private BenchClient client() {
        if (session == null) {
            counters.reconnected();
            LOG.warn("bench {}: reconnecting on {}", handshake.boardId(), settings.device());
            connect(false);
        }
        return session.client();
    }

    private void checkHostInterlock() {
        if (gpio.interlockActive()) {
            disarm();
            throw new InterlockException(interlockMessage(handshake.boardId()) + " (host interlock input)");
        }
    }

    /** An INTERLOCK error becomes {@link InterlockException} with the drive off; others stay as they are. */
    private RuntimeException interlockOr(BenchProtocolException e) {
        if (e.code() == BenchProtocolException.INTERLOCK) {
            disarm();
            return new InterlockException(interlockMessage(handshake.boardId()));
        }
        return e;
    }

    /** The codes the controller gets for a vector (after validation against the rig file). */
    public int[] codes(ParameterVector v) {
        return mapping.codes(v);
    }

    @Override
    public synchronized List<StimulusResult> measure(List<Probe> batch) {
        double maxDelayNs = handshake.maxDelayPs() / 1000.0;
        List<int[]> codes = new ArrayList<>();
        for (Probe p : batch) {
            description.validate(p.stimulus(), maxDelayNs);
            codes.add(codes(p.parameters()));
        }
        List<StimulusResult> out = new ArrayList<>(batch.size());
        int i = 0;
        while (i < batch.size()) {
            int j = i;
            while (j < batch.size() && j - i < handshake.maxBatch() && Arrays.equals(codes.get(i), codes.get(j))) {
                j++;
            }
            out.addAll(fire(codes.get(i), batch.subList(i, j).stream().map(Probe::stimulus).toList()));
            i = j;
        }
        return out;
    }

    private List<StimulusResult> fire(int[] codes, List<Stimulus> stimuli) {
        for (int attempt = 0; ; attempt++) {
            try {
                BenchClient c = client();
                checkHostInterlock();
                if (!Arrays.equals(codes, deviceCodes)) {
                    c.request(Frame.SET_PARAMS, BenchPayloads.setParams(codes), 0);
                    deviceCodes = codes.clone();
                }
                if (!armed) {
                    c.request(Frame.ARM, new byte[] {1}, 0);
                    gpio.setEnable(true);
                    armed = true;
                }
                int id = batchId = batchId % 0xFFFF + 1;
                gpio.pulseTrigger();
                BenchPayloads.fired(c.request(Frame.FIRE_BATCH, payloads.fireBatch(id, stimuli), stimuli.size()), id, stimuli.size());
                List<StimulusResult> results = new ArrayList<>();
                for (int k = 0; k < stimuli.size(); k++) {
                    ByteBuffer r = c.request(Frame.READ_RESULT, BenchPayloads.readResult(id, k), 0);
                    results.add(payloads.result(stimuli.get(k), id, k, r, calibration()));
                }
                return results;
            } catch (BenchClient.LinkLostException e) {
                LOG.warn("bench {}: {}", handshake.boardId(), e.getMessage());
                dropLink();
            } catch (BenchProtocolException e) {
                if ((e.code() == BenchProtocolException.NO_RESULT || e.code() == BenchProtocolException.NOT_ARMED) && attempt < 3) {
                    LOG.warn("bench {}: {}; the controller lost its state: reconnecting and firing the batch again", handshake.boardId(),
                            e.getMessage());
                    dropLink();
                    continue;
                }
                throw interlockOr(e);
            }
        }
    }

    private void disarm() {
        gpio.setEnable(false);
        armed = false;
    }

    private void dropLink() {
        disarm();
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** Reconnections, requests and resends so far (per command type), for logs and benchmarks. */
    public synchronized LinkStatistics linkStatistics() {
        return counters.snapshot(rtt);
    }

    /** Disarms, closes the link and logs the link statistics at info level. */
    @Override
    public synchronized void close() {
        gpio.setEnable(false);
        if (session != null) {
            try {
                session.client().request(Frame.ARM, new byte[] {0}, 0);
            } catch (RuntimeException | BenchClient.LinkLostException e) {
                LOG.debug("disarm on close failed: {}", e.getMessage());
            }
        }
        dropLink();
        gpio.close();
        LinkStatistics stats = counters.snapshot(rtt);
        if (stats.requests() > 0) {
            LOG.info("bench {}: {}", handshake == null ? settings.device() : handshake.boardId(), stats);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RigUnavailableException("interrupted while reconnecting", e);
        }
    }
}
