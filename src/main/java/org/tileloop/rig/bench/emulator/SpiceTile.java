package org.tileloop.rig.bench.emulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;

/**
 * A {@link TileOracle} that simulates each request with one {@link SpiceRig} (full window: every
 * spike, the count, the supply energy), for the emulator's lifetime. The emulator's parameters and
 * inputs are the simulated rig's of the same names; its training bounds are widened to its safety
 * limits for them, since the controller's codes, not the rig file's bounds, decide what the tile
 * gets. The simulated rig must have no timing chain: the emulator applies its own.
 */
final class SpiceTile implements TileOracle {

    /** The emulator's parameters, channels and inputs (drivers/firmware/host/board_host.c). */
    static final List<String> PARAMETERS = List.of("r_fb", "rleak", "iin_amp", "iin1_amp");
    static final List<String> CHANNELS = List.of("n0", "n1", "n2", "n3");
    static final List<String> INPUTS = List.of("in0", "in1");
    /** The emulator's measurement window, ps. */
    static final long WINDOW_PS = 30000;

    private static final Logger LOG = LoggerFactory.getLogger(SpiceTile.class);
    private static final int MAX_SPIKES = 8;

    private final SpiceRig rig;
    private final ParameterVector defaults;

    private SpiceTile(SpiceRig rig) {
        this.rig = rig;
        this.defaults = rig.description().defaults();
    }

    /**
     * Opens the simulated rig of {@code rigFile} as the emulator's tile.
     *
     * @throws RigConfigurationException it is not a simulated rig, lacks one of the emulator's
     *     names, has a timing chain or a window shorter than the emulator's
     */
    static SpiceTile open(Path rigFile) {
        RigFile f = RigFileLoader.load(rigFile);
        String where = "tile rig " + ShownPath.of(rigFile) + ": ";
        RigDescription d = f.description();
        if (d.kind() != RigKind.SIMULATED) {
            throw new RigConfigurationException(where + "the emulator's tile is a simulated rig (kind: simulated), not "
                    + d.kind().name().toLowerCase(Locale.ROOT));
        }
        var sim = f.simulator().orElseThrow();
        for (String p : PARAMETERS) {
            if (d.parameter(p).isEmpty()) {
                throw new RigConfigurationException(where + "has no parameter " + p + " (the emulator sets " + String.join(", ", PARAMETERS) + ")");
            }
        }
        List<String> channels = d.channels().stream().map(c -> c.name()).toList();
        List<String> inputs = d.inputs().stream().map(i -> i.name()).toList();
        if (!channels.containsAll(CHANNELS) || !inputs.containsAll(INPUTS)) {
            throw new RigConfigurationException(where + "needs channels " + String.join(", ", CHANNELS) + " and inputs "
                    + String.join(", ", INPUTS) + " (has channels " + String.join(", ", channels) + ", inputs " + String.join(", ", inputs) + ")");
        }
        if (sim.timingChain().isPresent()) {
            throw new RigConfigurationException(where + "has simulator.timing_chain; the emulator applies its own timing chain "
                    + "(--offsets-ps, --gain-ppm, --jitter-ps), so the tile must report true times");
        }
        if (sim.tstopNs() * 1000 < WINDOW_PS) {
            throw new RigConfigurationException(where + "simulator.tstop_ns " + Numbers.plain(sim.tstopNs())
                    + " is shorter than the emulator's " + Numbers.plain(WINDOW_PS / 1000.0) + " ns window");
        }
        List<ParameterSpec> params = new ArrayList<>();
        for (ParameterSpec p : d.parameters()) {
            params.add(PARAMETERS.contains(p.name()) ? new ParameterSpec(p.name(), p.unit(), p.safetyMin(), p.safetyMax(),
                    p.defaultValue(), p.safetyMin(), p.safetyMax(), p.trainable()) : p);
        }
        RigDescription widened = new RigDescription(d.id(), d.kind(), d.description(), params, d.channels(), d.inputs());
        return new SpiceTile(new SpiceRig(widened, sim, IdentityCalibration.INSTANCE, Ngspice.locate()));
    }

    /** The simulated rig's id. */
    String id() {
        return rig.description().id();
    }

    @Override
    public String answer(String request) {
        try {
            return reply(request);
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", " ");
            LOG.warn("tile oracle ({}): {}", id(), why);
            return "error " + why;
        }
    }

    private String reply(String request) {
        String[] words = request.split(" ");
        if (!words[0].equals("measure")) {
            throw new IllegalArgumentException("unknown request '" + request + "'");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Double> delaysNs = new LinkedHashMap<>();
        long windowPs = -1;
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            String key = eq > 0 ? words[i].substring(0, eq) : words[i];
            double v = Double.parseDouble(words[i].substring(eq + 1));
            if (PARAMETERS.contains(key) && !values.containsKey(key)) {
                values.put(key, v);
            } else if (key.equals("window_ps") && windowPs < 0) {
                windowPs = (long) v;
            } else if (INPUTS.contains(key) && !delaysNs.containsKey(key)) {
                delaysNs.put(key, v / 1000.0);
            } else {
                throw new IllegalArgumentException("request key '" + key + "' is unknown or repeated");
            }
        }
        if (values.size() != PARAMETERS.size() || delaysNs.isEmpty() || windowPs <= 0) {
            throw new IllegalArgumentException("request lacks a parameter, the window or an input: '" + request + "'");
        }
        ParameterVector v = defaults;
        for (var e : values.entrySet()) {
            v = v.with(e.getKey(), e.getValue());
        }
        StimulusResult r = rig.measure(List.of(new Probe(v, new Stimulus(delaysNs)))).get(0);
        StringBuilder out = new StringBuilder("ok ");
        out.append(r.energyPj().isPresent() ? String.format(Locale.ROOT, "%.3f", r.energyPj().getAsDouble() * 1000) : "-");
        for (String name : CHANNELS) {
            ChannelResult c = r.channels().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            List<Double> ps = new ArrayList<>();
            for (Timing t : c.spikes()) {
                double p = t.rawNs() * 1000;
                if (p >= 0 && p <= windowPs) {
                    ps.add(p);
                }
            }
            int stored = Math.min(ps.size(), MAX_SPIKES);
            out.append(' ').append(ps.size()).append(' ').append(stored);
            for (int k = 0; k < stored; k++) {
                out.append(String.format(Locale.ROOT, " %.4f", ps.get(k)));
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        rig.close();
    }
}
