package org.tileloop.rig.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
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
 * with the same sequence number (the controller replays, never re-fires); a vanished device is
 * reopened, handshaken and the unfinished batch fired again. An interlock trip switches the drive
 * off and throws {@link InterlockException}. Calls are serialised.
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
    private final int[] paramIndex;
    private final BenchPayloads payloads;
    private BenchClient client;
    private int[] deviceCodes;
    private boolean armed;
    private int batchId;
    private long reconnects;
    private long resends;

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
            this.paramIndex = mapParameters();
            int[] channelIndex = new int[description.channels().size()];
            for (int c = 0; c < channelIndex.length; c++) {
                String name = description.channels().get(c).name();
                channelIndex[c] = handshake.channels().indexOf(name);
                if (channelIndex[c] < 0) {
                    throw refuse("channels: '" + name + "' is not a channel of the controller (has " + handshake.channels() + ")");
                }
            }
            Map<String, Integer> inputIndex = new LinkedHashMap<>();
            for (InputSpec in : description.inputs()) {
                int i = handshake.inputs().indexOf(in.name());
                if (i < 0) {
                    throw refuse("inputs: '" + in.name() + "' is not an input of the controller (has " + handshake.inputs() + ")");
                }
                inputIndex.put(in.name(), i);
            }
            this.payloads = new BenchPayloads(handshake, channelIndex, inputIndex);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private RigConfigurationException refuse(String what) {
        return new RigConfigurationException("rig " + description.id() + " vs bench " + handshake.boardId() + ": " + what);
    }

    private int[] mapParameters() {
        int[] index = new int[description.parameters().size()];
        for (int i = 0; i < index.length; i++) {
            ParameterSpec p = description.parameters().get(i);
            Handshake.Param q = handshake.parameters().stream().filter(x -> x.name().equals(p.name())).findFirst()
                    .orElseThrow(() -> refuse("parameters: '" + p.name() + "' is not settable on the controller (has "
                            + handshake.parameters().stream().map(Handshake.Param::name).toList() + ")"));
            if (!q.unit().equalsIgnoreCase(p.unit())) {
                throw refuse("parameters: " + p.name() + " is in " + p.unit() + " in the rig file but " + q.unit() + " on the controller");
            }
            double tol = 1e-6 * (q.safetyMax() - q.safetyMin());
            if (p.safetyMin() < q.safetyMin() - tol || p.safetyMax() > q.safetyMax() + tol) {
                throw refuse("parameters: " + p.name() + " safety limits [" + Numbers.plain(p.safetyMin()) + ", "
                        + Numbers.plain(p.safetyMax()) + "] " + p.unit() + " exceed the controller's ["
                        + Numbers.plain(q.safetyMin()) + ", " + Numbers.plain(q.safetyMax()) + "]");
            }
            if (q.code(p.min()) < 0 || q.code(p.max()) < 0) {
                throw refuse("parameters: " + p.name() + " bounds [" + Numbers.plain(p.min()) + ", " + Numbers.plain(p.max())
                        + "] need codes outside the controller's safe window");
            }
            index[i] = q.index();
        }
        return index;
    }

    /** Opens the device, says HELLO, resets the tile. {@code first}: clears a latched interlock (an operator started us). */
    private Handshake connect(boolean first) {
        long deadline = System.nanoTime() + (long) (settings.reconnectTimeoutS() * 1e9);
        RuntimeException last = null;
        do {
            try {
                SerialLink link = links.open();
                BenchClient c = new BenchClient(link, settings.timeoutMs(), settings.retries());
                try {
                    Handshake hs = Handshake.parse(c.request(Frame.HELLO, new byte[] {Frame.VERSION}, 0).array());
                    if (handshake != null && !hs.boardId().equals(handshake.boardId())) {
                        throw new RigUnavailableException(settings.device() + ": a different bench answered after reconnecting ("
                                + hs.boardId() + ", expected " + handshake.boardId() + ")");
                    }
                    settings.boardId().filter(id -> !id.equals(hs.boardId())).ifPresent(id -> {
                        throw new RigConfigurationException(settings.device() + ": bench board id is " + hs.boardId()
                                + ", the rig file expects " + id);
                    });
                    gpio.pulseReset();
                    ByteBuffer st = c.request(Frame.RESET, new byte[] {(byte) (first ? 0x03 : 0x01)}, 0);
                    if ((st.get() & 0x02) != 0) {
                        c.close();
                        throw new InterlockException(interlockMessage(hs.boardId()));
                    }
                    client = c;
                    deviceCodes = null;
                    armed = false;
                    return hs;
                } catch (BenchClient.LinkLostException e) {
                    c.close();
                    last = new RigUnavailableException(settings.device() + ": " + e.getMessage(), e);
                }
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
        p.put("bench_protocol_version", Integer.toString(handshake.protocolVersion()));
        p.put("bench_device", settings.device());
        p.put("timing_lsb_ps", Long.toString(handshake.timingLsbPs()));
        return p;
    }



    /** REF_PULSE on every rig channel; raw ns in rig channel order. */
    @Override
    public synchronized List<Double> measureReference(double delayNs) {
        if (!(delayNs >= 0 && delayNs * 1000 <= handshake.windowPs())) {
            throw new RigConfigurationException("rig " + description.id() + ": reference delay " + Numbers.plain(delayNs)
                    + " ns is outside the controller's window [0, " + Numbers.plain(handshake.windowPs() / 1000.0) + "] ns");
        }
        byte[] payload = payloads.refPulse(delayNs);
        while (true) {
            try {
                if (client == null) {
                    reconnects++;
                    connect(false);
                }
                return payloads.reference(client.request(Frame.REF_PULSE, payload, 0));
            } catch (BenchClient.LinkLostException e) {
                LOG.warn("bench {}: {}", handshake.boardId(), e.getMessage());
                dropLink();
            }
        }
    }

    /** The codes the controller gets for a vector (after validation against the rig file). */
    public int[] codes(ParameterVector v) {
        description.validate(v);
        int[] codes = new int[handshake.parameters().size()];
        for (Handshake.Param q : handshake.parameters()) {
            codes[q.index()] = q.defaultCode();
        }
        for (int i = 0; i < paramIndex.length; i++) {
            ParameterSpec p = description.parameters().get(i);
            Handshake.Param q = handshake.parameters().get(paramIndex[i]);
            int code = q.code(v.get(p.name()));
            double applied = q.value(code);
            if (code < 0 || !p.accepts(applied)) {
                throw new RigConfigurationException("rig " + description.id() + ": " + p.name() + " = "
                        + Numbers.plain(v.get(p.name())) + " " + p.unit() + " has no controller code inside " + p.allowedRange());
            }
            codes[q.index()] = code;
        }
        return codes;
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
                if (client == null) {
                    reconnects++;
                    LOG.warn("bench {}: reconnecting on {}", handshake.boardId(), settings.device());
                    connect(false);
                }
                if (gpio.interlockActive()) {
                    disarm();
                    throw new InterlockException(interlockMessage(handshake.boardId()) + " (host interlock input)");
                }
                if (!Arrays.equals(codes, deviceCodes)) {
                    client.request(Frame.SET_PARAMS, BenchPayloads.setParams(codes), 0);
                    deviceCodes = codes.clone();
                }
                if (!armed) {
                    client.request(Frame.ARM, new byte[] {1}, 0);
                    gpio.setEnable(true);
                    armed = true;
                }
                int id = batchId = batchId % 0xFFFF + 1;
                gpio.pulseTrigger();
                client.request(Frame.FIRE_BATCH, payloads.fireBatch(id, stimuli), stimuli.size() * 50);
                List<StimulusResult> results = new ArrayList<>();
                for (int k = 0; k < stimuli.size(); k++) {
                    ByteBuffer r = client.request(Frame.READ_RESULT, BenchPayloads.readResult(id, k), 0);
                    results.add(payloads.result(stimuli.get(k), id, k, r, calibration()));
                }
                return results;
            } catch (BenchClient.LinkLostException e) {
                LOG.warn("bench {}: {}", handshake.boardId(), e.getMessage());
                dropLink();
            } catch (BenchProtocolException e) {
                if (e.code() == BenchProtocolException.INTERLOCK) {
                    disarm();
                    throw new InterlockException(interlockMessage(handshake.boardId()));
                }
                if ((e.code() == BenchProtocolException.NO_RESULT || e.code() == BenchProtocolException.NOT_ARMED) && attempt < 3) {
                    LOG.warn("bench {}: {}; firing the batch again", handshake.boardId(), e.getMessage());
                    armed = false;
                    continue;
                }
                throw e;
            }
        }
    }

    private void disarm() {
        gpio.setEnable(false);
        armed = false;
    }

    private void dropLink() {
        disarm();
        if (client != null) {
            resends += client.resends();
            client.close();
            client = null;
        }
    }

    /** Reconnections and resends so far, for logs and benchmarks. */
    public String linkStatistics() {
        return String.format(Locale.ROOT, "reconnects %d, resends %d", reconnects,
                resends + (client == null ? 0 : client.resends()));
    }

    @Override
    public synchronized void close() {
        gpio.setEnable(false);
        if (client != null) {
            try {
                client.request(Frame.ARM, new byte[] {0}, 0);
            } catch (RuntimeException | BenchClient.LinkLostException e) {
                LOG.debug("disarm on close failed: {}", e.getMessage());
            }
        }
        dropLink();
        gpio.close();
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
