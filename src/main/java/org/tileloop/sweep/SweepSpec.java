package org.tileloop.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tileloop.input.BadInputException;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.file.RigFileLoader;

/**
 * What a sweep measures: its rig (by content hash), the swept parameters, the points (a grid, or
 * {@code randomPoints} seeded uniform draws), the input delays of every point, the fixed
 * overrides. Its {@link #id} names it; {@code sweep.json} records it, so a sweep continues only
 * with the same spec. Immutable.
 *
 * @param axes    the swept parameters; {@code count} values from {@code lo} to {@code hi} on a grid, ignored when random
 */
public record SweepSpec(String rigId, String rigSha256, Mode mode, List<Axis> axes, int randomPoints, long seed, String input,
                        List<Double> delaysNs, Map<String, Double> set) {

    /** Most points in one sweep. */
    public static final int MAX_POINTS = 1_000_000;

    public enum Mode { GRID, RANDOM }

    /** One swept parameter. */
    public record Axis(String name, double lo, double hi, int count) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GRID = Pattern.compile("([a-z][a-z0-9_]{0,63})=([^:]+):([^:]+):([0-9]{1,7})");
    private static final Pattern RANGE = Pattern.compile("([a-z][a-z0-9_]{0,63})=([^:]+):([^:]+)");

    public SweepSpec {
        axes = List.copyOf(axes);
        delaysNs = List.copyOf(delaysNs);
        set = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(set));
    }

    /**
     * Parses {@code NAME=LO:HI:N} (grid) or {@code NAME=LO:HI} (random range) items, checked against the rig.
     *
     * @throws BadInputException naming {@code option} and the item at fault
     */
    public static List<Axis> axes(List<String> items, boolean grid, RigDescription rig, String option) {
        List<Axis> out = new ArrayList<>();
        for (String item : items) {
            Matcher m = (grid ? GRID : RANGE).matcher(item);
            if (!m.matches()) {
                throw new BadInputException(option + " " + org.tileloop.input.StrictInput.printable(item) + ": want "
                        + (grid ? "NAME=LO:HI:N (e.g. r_fb=2000:6000:9)" : "NAME=LO:HI (e.g. r_fb=2000:6000)"));
            }
            String name = m.group(1);
            ParameterSpec p = rig.parameter(name).orElseThrow(() -> new BadInputException(option + " " + name + ": rig " + rig.id()
                    + " has no such parameter; parameters: " + String.join(", ", rig.parameters().stream().map(ParameterSpec::name).toList())));
            double lo = number(m.group(2), option, name);
            double hi = number(m.group(3), option, name);
            int count = grid ? Integer.parseInt(m.group(4)) : 0;
            if (!(lo <= hi) || !p.accepts(lo) || !p.accepts(hi)) {
                throw new BadInputException(option + " " + name + ": want LO <= HI inside the allowed range " + p.allowedRange());
            }
            if (!grid && lo == hi) {
                throw new BadInputException(option + " " + name + ": want LO < HI");
            }
            if (grid && (count < 1 || (count == 1) != (lo == hi))) {
                throw new BadInputException(option + " " + name + ": want N >= 2 points from LO to HI (or N = 1 with LO = HI)");
            }
            if (out.stream().anyMatch(a -> a.name().equals(name))) {
                throw new BadInputException(option + " " + name + ": given twice");
            }
            out.add(new Axis(name, lo, hi, count));
        }
        return out;
    }

    private static double number(String text, String option, String name) {
        if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d{1,3})?")) {
            throw new BadInputException(option + " " + name + ": '" + org.tileloop.input.StrictInput.printable(text) + "' is not a plain number");
        }
        return Double.parseDouble(text);
    }

    /** How many points. */
    public long size() {
        if (mode == Mode.RANDOM) {
            return randomPoints;
        }
        long n = 1;
        for (Axis a : axes) {
            n *= a.count();
            if (n > MAX_POINTS) {
                return n;
            }
        }
        return n;
    }

    /** The points in measuring order (grid: the first axis varies slowest), each the defaults with {@link #set} and the axes' values. */
    public List<ParameterVector> points(RigDescription rig) {
        ParameterVector base = rig.withOverrides(set);
        List<ParameterVector> out = new ArrayList<>();
        if (mode == Mode.RANDOM) {
            Random rnd = new Random(seed);
            for (int i = 0; i < randomPoints; i++) {
                ParameterVector v = base;
                for (Axis a : axes) {
                    v = v.with(a.name(), a.lo() + rnd.nextDouble() * (a.hi() - a.lo()));
                }
                out.add(v);
            }
            return out;
        }
        int[] index = new int[axes.size()];
        for (long k = 0; k < size(); k++) {
            ParameterVector v = base;
            for (int d = 0; d < axes.size(); d++) {
                v = v.with(axes.get(d).name(), value(axes.get(d), index[d]));
            }
            out.add(v);
            for (int d = axes.size() - 1; d >= 0; d--) {
                if (++index[d] < axes.get(d).count()) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }

    /** The {@code i}-th grid value of {@code a}: exactly {@code lo} and {@code hi} at the ends. */
    static double value(Axis a, int i) {
        return i == a.count() - 1 ? a.hi() : a.lo() + (a.hi() - a.lo()) * i / (a.count() - 1);
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("rig_id", rigId);
        o.put("rig_sha256", rigSha256);
        o.put("mode", mode.name().toLowerCase(Locale.ROOT));
        ArrayNode ax = o.putArray("axes");
        for (Axis a : axes) {
            ObjectNode n = ax.addObject();
            n.put("name", a.name());
            n.put("lo", a.lo());
            n.put("hi", a.hi());
            n.put("count", a.count());
        }
        o.put("random_points", randomPoints);
        o.put("seed", seed);
        o.put("input", input);
        delaysNs.forEach(o.putArray("delays_ns")::add);
        ObjectNode s = o.putObject("set");
        set.forEach(s::put);
        return o;
    }

    /** Reads what {@link #toJson} wrote; {@code source} names the file in errors. */
    public static SweepSpec fromJson(JsonNode o, String source) {
        try {
            List<Axis> axes = new ArrayList<>();
            for (JsonNode n : o.get("axes")) {
                axes.add(new Axis(n.get("name").asText(), n.get("lo").asDouble(), n.get("hi").asDouble(), n.get("count").asInt()));
            }
            List<Double> delays = new ArrayList<>();
            o.get("delays_ns").forEach(d -> delays.add(d.asDouble()));
            Map<String, Double> set = new LinkedHashMap<>();
            o.get("set").fields().forEachRemaining(e -> set.put(e.getKey(), e.getValue().asDouble()));
            return new SweepSpec(o.get("rig_id").asText(), o.get("rig_sha256").asText(),
                    Mode.valueOf(o.get("mode").asText().toUpperCase(Locale.ROOT)), axes, o.get("random_points").asInt(),
                    o.get("seed").asLong(), o.get("input").asText(), delays, set);
        } catch (RuntimeException e) {
            throw new BadInputException(source + ": not a sweep spec written by tileloop sweep (" + e + ")");
        }
    }

    /** 8 hex digits of the spec's hash: the same sweep, the same id. */
    public String id() {
        try {
            return RigFileLoader.sha256(JSON.writeValueAsBytes(toJson())).substring(0, 8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A one-line description for people. */
    public String describe() {
        String what = mode == Mode.GRID
                ? String.join(" x ", axes.stream().map(a -> a.name() + " " + Numbers.plain(a.lo()) + ".." + Numbers.plain(a.hi()) + " (" + a.count() + ")").toList())
                : randomPoints + " random points over " + String.join(", ", axes.stream().map(a -> a.name() + " " + Numbers.plain(a.lo())
                        + ".." + Numbers.plain(a.hi())).toList()) + " (seed " + seed + ")";
        return what + "; " + input + " at " + String.join(", ", delaysNs.stream().map(Numbers::plain).toList()) + " ns";
    }
}
