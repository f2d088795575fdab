package org.tileloop.rig.file;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.tileloop.input.BadInputException;
import org.tileloop.input.SchemaCheck;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.Unit;
import org.tileloop.rig.bench.BenchSettings;
import org.tileloop.rig.spice.SpiceSettings;
import org.tileloop.rig.spice.StepControl;
import org.tileloop.rig.spice.TimingChain;
import org.tileloop.rig.spice.Mismatch;

/**
 * Reads rig files (YAML), validates them against {@code schema/rig.schema.json} and then
 * against the rules a schema cannot express (bounds ordering, references between keys).
 * Every error names the file, the key and what is allowed.
 */
public final class RigFileLoader {

    private static final SchemaCheck SCHEMA = SchemaCheck.of("rig");

    private RigFileLoader() {
    }

    public static RigFile load(Path path) {
        byte[] bytes;
        JsonNode root;
        try {
            bytes = StrictInput.read(path, "rig file");
            root = StrictInput.yaml(bytes, path.toString(), "rig file");
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new RigConfigurationException(path + ": a rig file is a YAML mapping with keys schema_version, id, kind, parameters, channels, inputs");
        }
        List<String> todo = RigScaffold.placeholders(root);
        if (!todo.isEmpty()) {
            fail(path, todo.get(0), "still TODO: replace it with a value (see simulated-rig/README.md, \"Your own tile\")"
                    + (todo.size() > 1 ? "; " + (todo.size() - 1) + " more TODO in this file" : ""));
        }
        if (root.path("simulator").has("max_step_ns")) {
            fail(path, "simulator.max_step_ns", "replaced by simulator.step.max_ps (picoseconds: max_step_ns: 0.01 is step: {max_ps: 10});"
                    + " tileloop rig tune-step RIG prints the step setting to use");
        }
        try {
            SCHEMA.validate(root, path.toString(), "rig file");
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        }
        return build(path, sha256(bytes), root);
    }

    private static RigFile build(Path path, String sha, JsonNode root) {
        String id = root.get("id").asText();
        RigKind kind = RigKind.valueOf(root.get("kind").asText().toUpperCase(Locale.ROOT));
        List<ParameterSpec> params = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode p : root.get("parameters")) {
            String key = "parameters[" + i++ + "]";
            ParameterSpec spec = new ParameterSpec(p.get("name").asText(), p.get("unit").asText(),
                    p.get("min").asDouble(), p.get("max").asDouble(), p.get("default").asDouble(),
                    p.get("safety_min").asDouble(), p.get("safety_max").asDouble(),
                    p.path("trainable").asBoolean(false));
            unique(path, names, key + ".name", spec.name());
            Unit unit = Unit.of(spec.unit()).orElseThrow();
            for (String field : List.of("min", "max", "default", "safety_min", "safety_max")) {
                double v = p.get(field).asDouble();
                if (!unit.plausible(v)) {
                    fail(path, key + "." + field, Numbers.plain(v) + " is not plausible for a value in " + unit.symbol()
                            + " (must be " + unit.rule() + ")");
                }
            }
            if (!(spec.min() < spec.max())) {
                fail(path, key + ".min", "must be below max (" + Numbers.plain(spec.max()) + ")");
            }
            if (spec.min() < spec.safetyMin() || spec.max() > spec.safetyMax()) {
                fail(path, key, "bounds [" + Numbers.plain(spec.min()) + ", " + Numbers.plain(spec.max())
                        + "] must lie inside the safety limits [" + Numbers.plain(spec.safetyMin()) + ", "
                        + Numbers.plain(spec.safetyMax()) + "]");
            }
            if (!spec.accepts(spec.defaultValue())) {
                fail(path, key + ".default", Numbers.plain(spec.defaultValue()) + " is outside the allowed range "
                        + spec.allowedRange());
            }
            params.add(spec);
        }
        List<ChannelSpec> channels = new ArrayList<>();
        names.clear();
        i = 0;
        for (JsonNode c : root.get("channels")) {
            String key = "channels[" + i++ + "]";
            if (kind == RigKind.SIMULATED && !c.has("node")) {
                fail(path, key + ".node", "missing (required when kind is simulated)");
            }
            ChannelSpec spec = new ChannelSpec(c.get("name").asText(), c.path("node").asText(""),
                    c.get("threshold_v").asDouble(), c.path("hysteresis_v").asDouble(0.0));
            unique(path, names, key + ".name", spec.name());
            if (kind == RigKind.SIMULATED && org.tileloop.rig.spice.FirstSpikeStop.reserved(spec.node())) {
                fail(path, key + ".node", "'" + spec.node() + "' is a word of ngspice's expressions or tileloop's (and, or, not, gt, ge, lt, le,"
                        + " eq, ne, tl_...); rename the node in the template");
            }
            if (!(spec.hysteresisV() < Math.abs(spec.thresholdV())) && spec.hysteresisV() > 0) {
                fail(path, key + ".hysteresis_v", Numbers.plain(spec.hysteresisV()) + " V must be below the threshold's magnitude ("
                        + Numbers.plain(Math.abs(spec.thresholdV())) + " V), or the detector never re-arms and counts one spike");
            }
            channels.add(spec);
        }
        List<InputSpec> inputs = new ArrayList<>();
        names.clear();
        i = 0;
        Set<String> paramNames = params.stream().map(ParameterSpec::name).collect(Collectors.toSet());
        for (JsonNode n : root.get("inputs")) {
            String key = "inputs[" + i++ + "]";
            for (String required : List.of("source", "node")) {
                if (kind == RigKind.SIMULATED && !n.has(required)) {
                    fail(path, key + "." + required, "missing (required when kind is simulated)");
                }
            }
            InputSpec spec = new InputSpec(n.get("name").asText(), n.path("source").asText(""), n.path("node").asText(""),
                    n.get("amplitude_parameter").asText(), n.path("rise_ns").asDouble(0.05),
                    n.path("width_ns").asDouble(10.0));
            unique(path, names, key + ".name", spec.name());
            if (!paramNames.contains(spec.amplitudeParameter())) {
                fail(path, key + ".amplitude_parameter", "'" + spec.amplitudeParameter()
                        + "' is not a parameter of this rig; declared: " + String.join(", ", paramNames));
            }
            String ampUnit = params.stream().filter(x -> x.name().equals(spec.amplitudeParameter())).findFirst().orElseThrow().unit();
            if (!ampUnit.equals(Unit.VOLT.symbol())) {
                fail(path, key + ".amplitude_parameter", "'" + spec.amplitudeParameter() + "' is in " + ampUnit
                        + "; an input pulse's amplitude is a voltage parameter (unit V)");
            }
            inputs.add(spec);
        }
        RigDescription description = new RigDescription(id, kind, root.path("description").asText(""),
                params, channels, inputs);
        Optional<SpiceSettings> simulator = Optional.empty();
        JsonNode sim = root.get("simulator");
        if (kind == RigKind.SIMULATED) {
            if (sim == null) {
                fail(path, "simulator", "missing (required when kind is simulated)");
            }
            Path netlist = path.toAbsolutePath().getParent().resolve(sim.get("netlist").asText()).normalize();
            if (!Files.exists(netlist)) {
                fail(path, "simulator.netlist", "file " + org.tileloop.input.ShownPath.of(netlist) + " does not exist");
            }
            if (!Files.isRegularFile(netlist)) {
                fail(path, "simulator.netlist", org.tileloop.input.ShownPath.of(netlist) + " is not a regular file");
            }
            double tstop = sim.get("tstop_ns").asDouble();
            StepControl step = step(path, sim.get("step"), tstop);
            Optional<TimingChain> chain = Optional.empty();
            JsonNode tc = sim.get("timing_chain");
            if (tc != null) {
                for (String k : List.of("offsets_ns", "gain_ppm")) {
                    if (tc.get(k).size() != channels.size()) {
                        fail(path, "simulator.timing_chain." + k, "needs one value per channel (" + channels.size() + "), got " + tc.get(k).size());
                    }
                }
                List<Double> offsets = new ArrayList<>();
                tc.get("offsets_ns").forEach(x -> offsets.add(x.asDouble()));
                List<Double> gains = new ArrayList<>();
                tc.get("gain_ppm").forEach(x -> gains.add(x.asDouble()));
                chain = Optional.of(new TimingChain(offsets, gains, tc.path("jitter_ps").asDouble(0), tc.path("seed").asLong(1)));
            }
            Optional<Mismatch> mismatch = Optional.empty();
            JsonNode mm = sim.get("mismatch");
            if (mm != null) {
                List<String> varied = new ArrayList<>();
                mm.get("parameters").forEach(x -> varied.add(x.asText()));
                for (String name : varied) {
                    if (params.stream().noneMatch(p -> p.name().equals(name))) {
                        fail(path, "simulator.mismatch.parameters", "'" + name + "' is not a parameter of this rig");
                    }
                }
                mismatch = Optional.of(new Mismatch(mm.path("seed").asLong(1), mm.get("spread").asDouble(), varied));
            }
            simulator = Optional.of(new SpiceSettings(netlist, tstop, step,
                    sim.path("timing_tolerance_ps").asDouble(SpiceSettings.DEFAULT_TIMING_TOLERANCE_PS), sim.get("supply_source").asText(),
                    sim.get("supply_node").asText(), sim.path("timeout_s").asDouble(60),
                    sim.path("workers").asInt(0), chain, mismatch, SpiceSettings.FirstSpikeEnd.BREAKPOINTS));
            org.tileloop.rig.spice.NetlistTemplate.load(netlist, description, simulator.get());
        }
        Optional<BenchSettings> bench = Optional.empty();
        if (kind == RigKind.BENCH) {
            JsonNode b = root.get("bench");
            if (b == null) {
                fail(path, "bench", "missing (required when kind is bench)");
            }
            JsonNode g = b.path("gpio");
            String platform = g.path("platform").asText("none");
            if (!platform.equals("none")) {
                for (String pin : List.of("trigger_pin", "reset_pin", "enable_pin", "interlock_pin")) {
                    if (!g.has(pin)) {
                        fail(path, "bench.gpio." + pin, "missing (required when gpio.platform is " + platform + ")");
                    }
                }
            }
            Set<Integer> pins = new HashSet<>();
            for (String pin : List.of("trigger_pin", "reset_pin", "enable_pin", "interlock_pin")) {
                if (g.has(pin) && !pins.add(g.get(pin).asInt())) {
                    fail(path, "bench.gpio." + pin, "GPIO " + g.get(pin).asInt() + " is already used by another line");
                }
            }
            if (platform.equals("mock") && b.get("device").asText().startsWith("/dev/")) {
                fail(path, "bench.gpio.platform", "mock GPIO has no real interlock or drive enable; it is only for emulated benches"
                        + " (a device outside /dev), not " + b.get("device").asText());
            }
            bench = Optional.of(new BenchSettings(b.get("device").asText(), b.path("baud").asInt(115200),
                    b.path("timeout_ms").asInt(500), b.path("retries").asInt(10), b.path("reconnect_timeout_s").asDouble(10),
                    b.has("board_id") ? Optional.of(b.get("board_id").asText()) : Optional.empty(),
                    new BenchSettings.Gpio(platform, g.path("trigger_pin").asInt(-1),
                            g.path("reset_pin").asInt(-1), g.path("enable_pin").asInt(-1), g.path("interlock_pin").asInt(-1),
                            g.path("interlock_active_low").asBoolean(true))));
        } else if (root.has("bench")) {
            fail(path, "bench", "only allowed when kind is bench");
        }
        JsonNode cal = root.path("calibration");
        List<Double> refDelays = new ArrayList<>();
        cal.path("reference_delays_ns").forEach(x -> refDelays.add(x.asDouble()));
        CalibrationSettings calibration = new CalibrationSettings(
                refDelays.isEmpty() ? CalibrationSettings.DEFAULT.referenceDelaysNs() : refDelays,
                cal.path("repeats").asInt(CalibrationSettings.DEFAULT.repeats()),
                cal.path("max_residual_ps").asDouble(CalibrationSettings.DEFAULT.maxResidualPs()),
                cal.path("max_age_hours").asDouble(CalibrationSettings.DEFAULT.maxAgeHours()));
        Optional<org.tileloop.rig.digital.DigitalSettings> digital = Optional.empty();
        if (kind == RigKind.DIGITAL) {
            JsonNode d = root.get("digital");
            if (d == null) {
                fail(path, "digital", "missing (required when kind is digital)");
            }
            for (String needed : List.of("r_fb", "rleak")) {
                if (params.stream().noneMatch(p -> p.name().equals(needed))) {
                    fail(path, "parameters", "a digital detector needs a parameter '" + needed + "' (coupling and leak)");
                }
            }
            digital = Optional.of(new org.tileloop.rig.digital.DigitalSettings(d.get("clock_ghz").asDouble(), d.get("bits").asInt(),
                    d.get("tstop_ns").asDouble(), d.path("add_pj_32").asDouble(0.1), d.path("mult_pj_32").asDouble(3.1),
                    d.path("reg_fj_per_bit").asDouble(1.5)));
        } else if (root.has("digital")) {
            fail(path, "digital", "only allowed when kind is digital");
        }
        return new RigFile(path, sha, description, simulator, bench, calibration, digital);
    }

    /** {@code simulator.step}: the schema has checked each value's range; ngspice's defaults fill what is left out. */
    private static StepControl step(Path path, JsonNode s, double tstopNs) {
        double maxPs = s.get("max_ps").asDouble();
        if (maxPs * 1e6 < tstopNs * 1000) {
            fail(path, "simulator.step.max_ps", "must be at least tstop_ns / 1e6 (" + Numbers.plain(tstopNs * 1000 / 1e6) + " ps)");
        }
        return new StepControl(maxPs, StepControl.Method.valueOf(s.path("method").asText("trap").toUpperCase(Locale.ROOT)),
                s.path("reltol").asDouble(StepControl.DEFAULT_RELTOL), s.path("trtol").asDouble(StepControl.DEFAULT_TRTOL),
                s.path("chgtol_c").asDouble(StepControl.DEFAULT_CHGTOL_C));
    }

    private static void unique(Path path, Set<String> seen, String key, String name) {
        if (!seen.add(name)) {
            fail(path, key, "duplicate name '" + name + "'");
        }
    }

    private static void fail(Path path, String key, String message) {
        throw new RigConfigurationException(path + ": invalid rig file: " + key + ": " + message);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
