package org.tileloop.fleet;

import static org.tileloop.fleet.Wire.BadMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Probe;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * Chunks (probes with their occurrences in the whole batch) and their results on the wire. Times
 * travel raw (uncalibrated) as JSON numbers, which round-trip every double exactly; the requester
 * applies its own calibration, as a local rig would.
 */
final class ChunkCodec {

    /** Most probes in one chunk. */
    static final int MAX_PROBES = 64;
    static final int MAX_SPIKES = 100_000;

    private ChunkCodec() {
    }

    /** Work for one slot: probes {@code probes} with their occurrences, under rig and netlist hashes. */
    record Assignment(String job, long chunk, int attempt, String rigSha256, String netlistSha256, List<Probe> probes, int[] occurrence) {
        byte[] encode() {
            ObjectNode o = Wire.message("chunk");
            o.put("job", job);
            o.put("chunk", chunk);
            o.put("attempt", attempt);
            o.put("rig_sha256", rigSha256);
            o.put("netlist_sha256", netlistSha256);
            ArrayNode a = o.putArray("probes");
            for (int i = 0; i < probes.size(); i++) {
                Probe p = probes.get(i);
                ObjectNode n = a.addObject();
                ObjectNode params = n.putObject("parameters");
                p.parameters().values().forEach(params::put);
                ObjectNode inputs = n.putObject("inputs");
                p.stimulus().inputDelaysNs().forEach(inputs::put);
                n.put("window", p.window().name().toLowerCase(Locale.ROOT));
                p.stopNs().ifPresent(stop -> n.put("stop_ns", stop));
                n.put("occurrence", occurrence[i]);
            }
            return Wire.bytes(o);
        }

        static Assignment decode(ObjectNode o) {
            Wire.keys(o, "chunk", Set.of("schema", "type", "job", "chunk", "attempt", "rig_sha256", "netlist_sha256", "probes"), Set.of());
            JsonNode a = o.get("probes");
            if (!a.isArray() || a.isEmpty() || a.size() > MAX_PROBES) {
                throw new BadMessage("probes: want 1 to " + MAX_PROBES + " probes");
            }
            List<Probe> probes = new ArrayList<>();
            int[] occurrence = new int[a.size()];
            for (int i = 0; i < a.size(); i++) {
                if (!(a.get(i) instanceof ObjectNode n)) {
                    throw new BadMessage("probes[" + i + "]: not an object");
                }
                Wire.keys(n, "probes[" + i + "]", Set.of("parameters", "inputs", "window", "occurrence"), Set.of("stop_ns"));
                String window = Wire.text(n, "window", java.util.regex.Pattern.compile("full|first_spikes"));
                occurrence[i] = (int) Wire.integer(n, "occurrence", 0, 1_000_000);
                java.util.OptionalDouble stopNs = n.has("stop_ns")
                        ? java.util.OptionalDouble.of(Wire.finite(n.get("stop_ns"), "probes[" + i + "].stop_ns")) : java.util.OptionalDouble.empty();
                try {
                    probes.add(new Probe(new ParameterVector(numbers(n.get("parameters"), "probes[" + i + "].parameters", 256)),
                            new Stimulus(numbers(n.get("inputs"), "probes[" + i + "].inputs", 64)),
                            Probe.Window.valueOf(window.toUpperCase(Locale.ROOT)), stopNs));
                } catch (RigConfigurationException | IllegalArgumentException e) {
                    throw new BadMessage("probes[" + i + "]: " + e.getMessage());
                }
            }
            return new Assignment(Wire.text(o, "job", Wire.JOB), Wire.integer(o, "chunk", 0, Long.MAX_VALUE),
                    (int) Wire.integer(o, "attempt", 1, 1000), Wire.text(o, "rig_sha256", Wire.SHA256),
                    Wire.text(o, "netlist_sha256", Wire.SHA256), probes, occurrence);
        }

        private static Map<String, Double> numbers(JsonNode n, String where, int max) {
            if (n == null || !n.isObject() || n.size() > max) {
                throw new BadMessage(where + ": want an object of at most " + max + " numbers");
            }
            Map<String, Double> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> {
                if (!Wire.NAME.matcher(e.getKey()).matches()) {
                    throw new BadMessage(where + ": a name breaks " + Wire.NAME.pattern());
                }
                m.put(e.getKey(), Wire.finite(e.getValue(), where + "." + e.getKey()));
            });
            return m;
        }
    }

    /** Why a worker could not measure a chunk. */
    enum FailureKind {
        /** The simulation failed (as it would locally): the batch fails. */
        MEASUREMENT,
        /** The worker refused a vector or stimulus: the batch fails. */
        CONFIGURATION,
        /** This worker cannot do it (no simulator, rig not loadable): another worker may. */
        UNAVAILABLE,
        /** The results exceed one message: the chunk is split. */
        TOO_LARGE
    }

    /** One probe's result with raw times; {@code counts} present exactly when the whole window was measured. */
    record RawResult(List<List<Double>> spikesNs, Optional<List<Integer>> counts, OptionalDouble energyPj, OptionalDouble windowNs) {

        static RawResult of(StimulusResult r) {
            List<List<Double>> spikes = r.channels().stream().map(c -> c.spikes().stream().map(Timing::rawNs).toList()).toList();
            Optional<List<Integer>> counts = r.spikeCounts() == SpikeCounts.COMPLETE
                    ? Optional.of(r.channels().stream().map(c -> c.spikeCount().getAsInt()).toList()) : Optional.empty();
            return new RawResult(spikes, counts, r.energyPj(), r.windowNs());
        }

        /** The result as the requester's rig reports it, times calibrated with {@code cal}. */
        StimulusResult result(Stimulus stimulus, RigDescription rig, Calibration cal) {
            if (spikesNs.size() != rig.channels().size()) {
                throw new BadMessage(spikesNs.size() + " channels where rig " + rig.id() + " has " + rig.channels().size());
            }
            List<ChannelResult> channels = new ArrayList<>();
            try {
                for (int c = 0; c < spikesNs.size(); c++) {
                    String name = rig.channels().get(c).name();
                    List<Timing> spikes = spikesNs.get(c).stream().map(t -> cal.apply(name, t)).toList();
                    channels.add(new ChannelResult(name, spikes, counts.isPresent() ? OptionalInt.of(counts.get().get(c)) : OptionalInt.empty()));
                }
                return new StimulusResult(stimulus, channels, energyPj, counts.isPresent() ? SpikeCounts.COMPLETE : SpikeCounts.TRUNCATED, windowNs);
            } catch (IllegalArgumentException e) {
                throw new BadMessage(e.getMessage());
            }
        }
    }

    /** A worker's answer for a chunk: its results in chunk order, or why it has none. */
    record Result(Messages.From from, long chunk, int attempt, List<RawResult> results, Optional<FailureKind> failure, String error) {

        /** No results for {@code a}, because of {@code kind}: {@code error} on one line, at most 1900 characters. */
        static Result failed(Messages.From from, Assignment a, FailureKind kind, String error) {
            String e = org.tileloop.input.StrictInput.oneLine(String.valueOf(error));
            return new Result(from, a.chunk(), a.attempt(), List.of(), Optional.of(kind), e.length() > 1900 ? e.substring(0, 1900) : e);
        }

        byte[] encode() {
            ObjectNode o = Wire.message("result");
            from.put(o);
            o.put("chunk", chunk);
            o.put("attempt", attempt);
            if (failure.isPresent()) {
                o.put("failure", failure.get().name().toLowerCase(Locale.ROOT));
                o.put("error", error);
                return Wire.bytes(o);
            }
            ArrayNode a = o.putArray("results");
            for (RawResult r : results) {
                ObjectNode n = a.addObject();
                ArrayNode ch = n.putArray("spikes_ns");
                r.spikesNs().forEach(s -> s.forEach(ch.addArray()::add));
                r.counts().ifPresent(k -> k.forEach(n.putArray("counts")::add));
                r.energyPj().ifPresent(e -> n.put("energy_pj", e));
                r.windowNs().ifPresent(w -> n.put("window_ns", w));
            }
            return Wire.bytes(o);
        }

        static Result decode(ObjectNode o) {
            Messages.From from = Messages.From.of(o);
            long chunk = Wire.integer(o, "chunk", 0, Long.MAX_VALUE);
            int attempt = (int) Wire.integer(o, "attempt", 1, 1000);
            if (o.has("failure")) {
                Wire.keys(o, "result", Set.of("schema", "type", "worker", "session", "chunk", "attempt", "failure", "error"), Set.of());
                FailureKind kind = FailureKind.valueOf(Wire.text(o, "failure",
                        java.util.regex.Pattern.compile("measurement|configuration|unavailable|too_large")).toUpperCase(Locale.ROOT));
                return new Result(from, chunk, attempt, List.of(), Optional.of(kind), Wire.printable(o, "error", 2000));
            }
            Wire.keys(o, "result", Set.of("schema", "type", "worker", "session", "chunk", "attempt", "results"), Set.of());
            JsonNode a = o.get("results");
            if (!a.isArray() || a.isEmpty() || a.size() > MAX_PROBES) {
                throw new BadMessage("results: want 1 to " + MAX_PROBES + " results");
            }
            List<RawResult> results = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                results.add(raw(a.get(i), "results[" + i + "]"));
            }
            return new Result(from, chunk, attempt, results, Optional.empty(), "");
        }

        private static RawResult raw(JsonNode n, String where) {
            if (!(n instanceof ObjectNode o)) {
                throw new BadMessage(where + ": not an object");
            }
            Wire.keys(o, where, Set.of("spikes_ns"), Set.of("counts", "energy_pj", "window_ns"));
            JsonNode ch = o.get("spikes_ns");
            if (!ch.isArray() || ch.isEmpty() || ch.size() > 256) {
                throw new BadMessage(where + ".spikes_ns: want 1 to 256 channels");
            }
            List<List<Double>> spikes = new ArrayList<>();
            int total = 0;
            for (JsonNode c : ch) {
                if (!c.isArray() || (total += c.size()) > MAX_SPIKES) {
                    throw new BadMessage(where + ".spikes_ns: want an array of at most " + MAX_SPIKES + " times per channel");
                }
                List<Double> times = new ArrayList<>();
                for (JsonNode t : c) {
                    double x = Wire.finite(t, where + ".spikes_ns");
                    if (!times.isEmpty() && x < times.get(times.size() - 1)) {
                        throw new BadMessage(where + ".spikes_ns: times out of order");
                    }
                    times.add(x);
                }
                spikes.add(times);
            }
            Optional<List<Integer>> counts = Optional.empty();
            if (o.has("counts")) {
                JsonNode k = o.get("counts");
                if (!k.isArray() || k.size() != spikes.size()) {
                    throw new BadMessage(where + ".counts: want one count per channel");
                }
                List<Integer> list = new ArrayList<>();
                for (JsonNode x : k) {
                    if (!x.isIntegralNumber() || !x.canConvertToInt() || x.asInt() < 0) {
                        throw new BadMessage(where + ".counts: want non-negative integers");
                    }
                    list.add(x.asInt());
                }
                counts = Optional.of(list);
            }
            OptionalDouble energy = o.has("energy_pj") ? OptionalDouble.of(Wire.finite(o.get("energy_pj"), where + ".energy_pj")) : OptionalDouble.empty();
            OptionalDouble window = o.has("window_ns") ? OptionalDouble.of(Wire.finite(o.get("window_ns"), where + ".window_ns")) : OptionalDouble.empty();
            return new RawResult(spikes, counts, energy, window);
        }
    }
}
