package org.tileloop.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/** Typed reads of MQTT payload fields: a field of the wrong type reads as null, never as something else. */
final class Fields {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final Pattern RIG = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    static final Pattern RUN_ID = Pattern.compile("[0-9A-Za-z._-]{1,80}");
    /** Longest string passed through, characters; longer ones are cut. */
    static final int MAX_TEXT = 200;
    /** Most entries copied from a name-to-number object (parameters, loss terms). */
    static final int MAX_ENTRIES = 64;

    private Fields() {
    }

    /** The text of {@code key}, cut to {@link #MAX_TEXT} characters, or null. */
    static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            return null;
        }
        String s = v.textValue();
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
    }

    /** The number of {@code key} as a JSON node (its value as sent), or null node. */
    static JsonNode number(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && v.isNumber() ? v : NullNode.instance;
    }

    /** {@code key}'s integer value, or {@code fallback}. */
    static long integer(JsonNode n, String key, long fallback) {
        JsonNode v = n.get(key);
        return v != null && v.isIntegralNumber() ? v.longValue() : fallback;
    }

    /** An ISO-8601 instant from {@code key}, or {@code fallback} when absent or not a time. */
    static String time(JsonNode n, String key, String fallback) {
        String t = text(n, key);
        if (t == null) {
            return fallback;
        }
        try {
            return Instant.parse(t).toString();
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    /** The numeric entries of the object at {@code key} (at most {@link #MAX_ENTRIES}), or a null node when it is not an object. */
    static JsonNode numbers(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isObject()) {
            return NullNode.instance;
        }
        ObjectNode o = JSON.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext() && o.size() < MAX_ENTRIES; ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNumber() && e.getKey().length() <= MAX_TEXT) {
                o.set(e.getKey(), e.getValue());
            }
        }
        return o;
    }
}
