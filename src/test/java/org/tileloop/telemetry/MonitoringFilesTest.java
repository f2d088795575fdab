package org.tileloop.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tileloop.run.RunStatus;
import org.tileloop.run.RunStop;
import org.tileloop.train.LossTerms;

/**
 * {@code scripts/monitoring/}: Telegraf's topic filters match the topics {@link Topics} builds, and
 * every measurement, field and tag the Grafana dashboard queries is one Telegraf makes from a real
 * message (built by {@link RunTelemetry} and {@link HostTelemetry}, or, for the host status that
 * only the MQTT session writes, as README "Topics (v1)" documents it).
 */
class MonitoringFilesTest {

    static final Path DIR = Path.of("scripts/monitoring");
    static final String HOST = "h1";
    static final String RIG = "sim-tile4";

    /** What Telegraf stores from one input: its measurement, tags and fields. */
    record Series(String measurement, Set<String> tags, Set<String> fields) {
    }

    static JsonNode telegraf() throws Exception {
        return new TomlMapper().readTree(DIR.resolve("telegraf.conf").toFile());
    }

    static JsonNode dashboard() throws Exception {
        return new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
    }

    /** Every topic tileloop uses for host {@value #HOST} and rig {@value #RIG}, telemetry or not. */
    static List<String> realTopics() {
        List<String> t = new ArrayList<>();
        for (String leaf : List.of(Topics.STATE, Topics.RUN, Topics.ITERATION, Topics.TIMING)) {
            t.add(Topics.stream(HOST, Topics.rig(RIG, leaf)));
        }
        for (String leaf : List.of(Topics.BIRTH, Topics.DEATH, Topics.STATUS)) {
            t.add(Topics.stream(HOST, leaf));
        }
        t.add(Topics.commands(HOST));
        t.add(Topics.reply(HOST, "client-1"));
        return t;
    }

    @Test
    void theMqttMatcherFollowsTheWildcardRules() {
        assertTrue(TelegrafRules.matches("tileloop/v1/+/rig/+/iteration", "tileloop/v1/h1/rig/sim-tile4/iteration"));
        assertFalse(TelegrafRules.matches("tileloop/v1/+/rig/+/iteration", "tileloop/v1/h1/rig/sim-tile4/timing"));
        assertFalse(TelegrafRules.matches("tileloop/v1/+/status", "tileloop/v1/h1/rig/sim-tile4/state"));
        assertTrue(TelegrafRules.matches("tileloop/v1/#", "tileloop/v1"));
        assertTrue(TelegrafRules.matches("tileloop/#", "tileloop/v1/h1/cmd"));
        assertFalse(TelegrafRules.matches("tileloop/+", "tileloop/v1/h1"));
    }

    @Test
    void everyTelegrafTopicFilterReadsOneKindOfTelemetryTopicAndTagsHostAndRigFromIt() throws Exception {
        Set<String> leaves = new TreeSet<>();
        Set<String> measurements = new TreeSet<>();
        for (JsonNode input : telegraf().get("inputs").get("mqtt_consumer")) {
            Set<String> inputLeaves = new TreeSet<>();
            for (JsonNode filter : input.get("topics")) {
                List<String> matched = realTopics().stream().filter(t -> TelegrafRules.matches(filter.asText(), t)).toList();
                assertFalse(matched.isEmpty(), filter + " matches no topic tileloop publishes");
                for (String topic : matched) {
                    Optional<Topics.Address> a = Topics.parse(topic);
                    assertTrue(a.isPresent(), filter + " matches " + topic + ", which is not telemetry");
                    inputLeaves.add(a.get().leaf());
                    JsonNode parsing = input.get("topic_parsing").get(0);
                    assertEquals(filter.asText(), parsing.get("topic").asText());
                    Map<String, String> tags = TelegrafRules.topicTags(parsing.get("tags").asText(), topic);
                    assertEquals(a.get().host(), tags.get("host"), topic);
                    assertEquals(a.get().rig().orElse(null), tags.get("rig"), topic);
                }
            }
            assertEquals(1, inputLeaves.size(), "one input reads one kind of topic, not " + inputLeaves);
            leaves.addAll(inputLeaves);
            assertTrue(measurements.add(measurement(input)), "measurement " + measurement(input) + " is written by two inputs");
            assertEquals("tcp://127.0.0.1:1883", input.get("servers").get(0).asText());
        }
        assertTrue(leaves.containsAll(List.of(Topics.ITERATION, Topics.TIMING, Topics.STATE, Topics.STATUS, Topics.RUN)), leaves.toString());
        assertEquals(Set.of("tileloop_iteration", "tileloop_timing", "tileloop_state", "tileloop_status", "tileloop_run"), measurements);
        assertEquals("tileloop", telegraf().get("outputs").get("influxdb_v2").get(0).get("bucket").asText());
    }

    @Test
    void theDashboardQueriesOnlyMeasurementsFieldsAndTagsTelegrafMakesFromRealMessages() throws Exception {
        Map<String, Series> stored = stored();
        Set<String> usedMeasurements = new TreeSet<>();
        Set<String> usedFields = new TreeSet<>();
        for (String query : queries(dashboard())) {
            Set<String> ms = all(query, "_measurement == \"([a-z_]+)\"|measurement: \"([a-z_]+)\"");
            assertEquals(1, ms.size(), "one measurement per query: " + query);
            Series s = stored.get(ms.iterator().next());
            assertTrue(s != null, "the dashboard queries " + ms + ", which telegraf.conf does not write " + stored.keySet());
            usedMeasurements.add(s.measurement());
            for (String f : all(query, "r\\._field == \"([a-z0-9_]+)\"")) {
                assertTrue(s.fields().contains(f), s.measurement() + " has no field " + f + "; a real message gives " + s.fields());
                usedFields.add(f);
            }
            for (String prefix : all(query, "r\\._(?:field|value) =~ /\\^([a-z0-9_]+)/")) {
                assertTrue(s.fields().stream().anyMatch(f -> f.startsWith(prefix)), s.measurement() + " has no field " + prefix + "*");
            }
            Set<String> tags = all(query, "r\\.([a-z_]+) =~|tag: \"([a-z_]+)\"");
            tags.addAll(groupColumns(query));
            tags.removeIf(t -> t.startsWith("_"));
            for (String t : tags) {
                assertTrue(s.tags().contains(t), s.measurement() + " has no tag " + t + "; it has " + s.tags());
            }
        }
        assertEquals(Set.of("tileloop_iteration", "tileloop_timing", "tileloop_state", "tileloop_status"), usedMeasurements);
        List<String> expected = new ArrayList<>(List.of("loss_train_ns2", "loss_holdout_ns2", "first_spike_ns", "status", "state"));
        LossTerms.NAMES.forEach(t -> expected.addAll(List.of("terms_train_" + t, "terms_holdout_" + t)));
        assertTrue(usedFields.containsAll(expected), "the dashboard does not chart " + minus(expected, usedFields));
    }

    @Test
    void theLossPanelHasALogAxisAndEveryPanelUsesTheDatasourceVariable() throws Exception {
        JsonNode d = dashboard();
        List<String> variables = new ArrayList<>();
        d.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
        assertTrue(variables.containsAll(List.of("datasource", "bucket", "host", "rig", "run_id", "parameter")), variables.toString());
        assertEquals("influxdb", d.get("templating").get("list").get(0).get("query").asText());
        int logAxes = 0;
        for (JsonNode p : d.get("panels")) {
            assertEquals("${datasource}", p.get("datasource").get("uid").asText(), p.get("title").asText());
            String axis = p.at("/fieldConfig/defaults/custom/scaleDistribution/type").asText();
            if (p.get("title").asText().startsWith("Loss")) {
                assertEquals("log", axis);
                logAxes++;
            }
        }
        assertEquals(1, logAxes);
    }

    /** What Telegraf makes of a real message on each input's topic, by measurement. */
    static Map<String, Series> stored() throws Exception {
        RunTelemetryTest.Recorder out = new RunTelemetryTest.Recorder();
        RunTelemetry run = new RunTelemetry(out, RIG, "j1", "run-1");
        run.iteration(RunTelemetryTest.iteration(Optional.of(new LossTerms(0.25, 0, 0, 0, 0, 0)), OptionalDouble.of(12.5)));
        run.stopped(new RunStop(RunStatus.COMPLETED, "6 iterations"), new ObjectMapper().createObjectNode().put("measurements", 96));
        new HostTelemetry(out).state(RIG, "running", "j1");
        Map<String, ObjectNode> byLeaf = new LinkedHashMap<>();
        out.sent.forEach(s -> byLeaf.putIfAbsent(s.stream().substring(s.stream().lastIndexOf('/') + 1), withEnvelope(s.payload())));
        ObjectNode status = withEnvelope(new ObjectMapper().createObjectNode());
        documentedKeys(Topics.STATUS).forEach(k -> status.put(k, "text"));
        byLeaf.put(Topics.STATUS, status);

        Map<String, Series> stored = new LinkedHashMap<>();
        for (JsonNode input : telegraf().get("inputs").get("mqtt_consumer")) {
            String topic = realTopics().stream().filter(t -> TelegrafRules.matches(input.get("topics").get(0).asText(), t)).findFirst().orElseThrow();
            ObjectNode message = byLeaf.get(Topics.parse(topic).orElseThrow().leaf());
            Set<String> tags = new TreeSet<>(TelegrafRules.topicTags(input.get("topic_parsing").get(0).get("tags").asText(), topic).keySet());
            Set<String> fields = new TreeSet<>();
            if (input.get("data_format").asText().equals("json")) {
                TelegrafRules.jsonParser(input, message, tags, fields);
            } else {
                assertEquals("json_v2", input.get("data_format").asText());
                TelegrafRules.jsonV2Parser(input.get("json_v2").get(0).get("object").get(0), message, tags, fields);
            }
            stored.put(measurement(input), new Series(measurement(input), tags, fields));
        }
        return stored;
    }

    /** The keys README's "Topics (v1)" table documents for a host or rig stream. */
    static List<String> documentedKeys(String leaf) throws Exception {
        String row = Files.readAllLines(Path.of("README.md")).stream()
                .filter(l -> l.startsWith("| `tileloop/v1/<host>/" + leaf + "`") || l.startsWith("| `tileloop/v1/<host>/rig/<rig>/" + leaf + "`"))
                .findFirst().orElseThrow(() -> new AssertionError("README documents no topic " + leaf));
        String payload = row.split("\\|")[3];
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("`([a-z_]+)`").matcher(payload);
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertFalse(keys.isEmpty(), row);
        return keys;
    }

    /** The envelope every published payload gets (see {@code TelemetryPublisher}). */
    static ObjectNode withEnvelope(ObjectNode payload) {
        ObjectNode p = payload.deepCopy();
        p.put("schema", Topics.SCHEMA).put("seq", 0).put("session", "s1");
        if (!p.has("time")) {
            p.put("time", "2026-01-01T00:00:00Z");
        }
        return p;
    }

    static String measurement(JsonNode input) {
        return input.has("name_override") ? input.get("name_override").asText() : input.get("json_v2").get(0).get("measurement_name").asText();
    }

    /** Every Flux query of the dashboard: panel targets and template variables. */
    static List<String> queries(JsonNode dashboard) {
        List<String> q = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> q.add(t.get("query").asText())));
        dashboard.get("templating").get("list").forEach(v -> {
            if (v.get("type").asText().equals("query")) {
                q.add(v.get("query").asText());
            }
        });
        assertTrue(q.size() >= 10, q.size() + " queries");
        return q;
    }

    static Set<String> groupColumns(String query) {
        Set<String> cols = new TreeSet<>();
        for (String list : all(query, "(?:group|pivot)\\((?:columns|rowKey): \\[([^\\]]*)\\]")) {
            for (String c : list.split(",")) {
                String name = c.strip().replace("\"", "");
                if (!name.isEmpty() && !name.startsWith("_")) {
                    cols.add(name);
                }
            }
        }
        return cols;
    }

    static Set<String> all(String text, String regex) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    found.add(m.group(g));
                }
            }
        }
        return found;
    }

    static List<String> minus(List<String> a, Set<String> b) {
        return a.stream().filter(x -> !b.contains(x)).toList();
    }
}
