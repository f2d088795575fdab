package org.tileloop.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Telegraf's documented rules, as far as {@code scripts/monitoring/telegraf.conf} uses them: MQTT
 * topic filters, topic_parsing, and what the {@code json} and {@code json_v2} parsers make of a
 * payload. Each parser checks that the keys the config names exist in the message.
 */
final class TelegrafRules {

    private TelegrafRules() {
    }

    /** MQTT topic filter matching: {@code +} is one level, a final {@code #} any number of levels (including none). */
    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return i == f.length - 1;
            }
            if (i >= t.length || (!f[i].equals("+") && !f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Telegraf's {@code json} parser: nested keys joined by {@code _}; numbers are fields, strings only when listed. */
    static void jsonParser(JsonNode input, ObjectNode message, Set<String> tags, Set<String> fields) {
        Set<String> tagKeys = strings(input.get("tag_keys"));
        Set<String> stringFields = strings(input.get("json_string_fields"));
        Set<String> excluded = strings(input.get("fieldexclude"));
        for (String key : tagKeys) {
            assertTrue(message.path(key).isTextual(), "tag_keys: " + key + " is not a string key of " + message);
            tags.add(key);
        }
        for (String key : stringFields) {
            assertTrue(message.path(key).isTextual(), "json_string_fields: " + key + " is not a string key of " + message);
        }
        if (input.has("json_time_key")) {
            assertTrue(message.path(input.get("json_time_key").asText()).isTextual(), "json_time_key");
        }
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        flatten("", message, flat);
        flat.forEach((k, v) -> {
            boolean keep = v.isNumber() || (v.isTextual() && stringFields.contains(k));
            if (keep && !tagKeys.contains(k) && excluded.stream().noneMatch(g -> k.matches(g.replace("*", ".*")))) {
                fields.add(k);
            }
        });
    }

    /** Telegraf's {@code json_v2} object on {@code @this} without prefixes: one metric per array element, with the parent's values. */
    static void jsonV2Parser(JsonNode object, ObjectNode message, Set<String> tags, Set<String> fields) {
        assertEquals("@this", object.get("path").asText());
        assertTrue(object.get("disable_prepend_keys").asBoolean());
        Set<String> excluded = strings(object.get("excluded_keys"));
        Set<String> all = new TreeSet<>();
        message.fields().forEachRemaining(e -> {
            if (e.getValue().isArray()) {
                e.getValue().forEach(el -> el.fieldNames().forEachRemaining(all::add));
            } else if (!e.getValue().isObject()) {
                all.add(e.getKey());
            }
        });
        for (String key : excluded) {
            assertTrue(message.has(key) || all.contains(key), "excluded_keys: " + key + " is not a key of " + message);
        }
        all.removeAll(excluded);
        for (String t : strings(object.get("tags"))) {
            assertTrue(all.contains(t), "tags: " + t + " is not a key of " + message);
            tags.add(t);
        }
        all.removeAll(tags);
        fields.addAll(all);
    }

    /** Telegraf's topic_parsing: {@code _} skips a level, a name makes that level a tag. */
    static Map<String, String> topicTags(String pattern, String topic) {
        String[] p = pattern.split("/");
        String[] t = topic.split("/");
        assertEquals(t.length, p.length, pattern + " does not fit " + topic);
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < p.length; i++) {
            if (!p[i].equals("_")) {
                tags.put(p[i], t[i]);
            }
        }
        return tags;
    }

    static void flatten(String prefix, JsonNode n, Map<String, JsonNode> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "_" + e.getKey(), e.getValue(), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(prefix + "_" + i, n.get(i), out);
            }
        } else {
            out.put(prefix, n);
        }
    }

    static Set<String> strings(JsonNode array) {
        Set<String> s = new TreeSet<>();
        if (array != null) {
            array.forEach(x -> s.add(x.asText()));
        }
        return s;
    }
}
