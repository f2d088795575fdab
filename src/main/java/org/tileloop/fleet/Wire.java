package org.tileloop.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.telemetry.Topics;

/**
 * Strict reading of fleet payloads: a JSON object of at most {@link #MAX_BYTES} with
 * {@code schema} 1, a known {@code type}, exactly the keys that type takes and every value of
 * the right type and range. Anything else is a {@link BadMessage}, which the receiver logs on one
 * line and drops without acting on it.
 */
final class Wire {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Every fleet payload fits one MQTT packet (see {@code PahoClients.MAX_PACKET_BYTES}). */
    static final int MAX_BYTES = 32 * 1024;
    static final Pattern ID = Topics.Fleet.ID;
    static final Pattern JOB = Pattern.compile("[0-9a-f]{12}");
    static final Pattern SESSION = Pattern.compile("[0-9a-f]{16}");
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** A payload that breaks the protocol; the message says what and where. */
    static final class BadMessage extends RuntimeException {
        BadMessage(String message) {
            super(message);
        }
    }

    private Wire() {
    }

    /** Parses a payload into an object with {@code schema} 1 and a {@code type}; returns it. */
    static ObjectNode parse(byte[] payload) {
        JsonNode n;
        try {
            n = StrictInput.json(payload, MAX_BYTES, "payload");
        } catch (BadInputException e) {
            throw new BadMessage(StrictInput.oneLine(e.getMessage()));
        }
        if (!(n instanceof ObjectNode o)) {
            throw new BadMessage("not a JSON object");
        }
        if (!o.path("schema").isIntegralNumber() || !o.get("schema").canConvertToInt() || o.get("schema").asInt() != Topics.SCHEMA) {
            throw new BadMessage("schema is not " + Topics.SCHEMA);
        }
        if (!o.path("type").isTextual()) {
            throw new BadMessage("no type");
        }
        return o;
    }

    /** Checks that {@code n} has every key of {@code required} and nothing beyond {@code optional}. */
    static void keys(ObjectNode n, String what, Set<String> required, Set<String> optional) {
        for (String k : required) {
            if (!n.has(k)) {
                throw new BadMessage(what + ": missing key " + k);
            }
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!required.contains(k) && !optional.contains(k)) {
                throw new BadMessage(what + ": unknown key '" + StrictInput.printable(k.length() > 40 ? k.substring(0, 40) : k) + "'");
            }
        }
    }

    static String text(JsonNode n, String key, Pattern pattern) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || !pattern.matcher(v.asText()).matches()) {
            throw new BadMessage(key + ": want " + pattern.pattern());
        }
        return v.asText();
    }

    /** Printable text of at most {@code max} characters. */
    static String printable(JsonNode n, String key, int max) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().length() > max || v.asText().chars().anyMatch(c -> StrictInput.isControl((char) c))) {
            throw new BadMessage(key + ": want printable text of at most " + max + " characters");
        }
        return v.asText();
    }

    static long integer(JsonNode n, String key, long min, long max) {
        JsonNode v = n.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new BadMessage(key + ": want an integer in [" + min + ", " + max + "]");
        }
        return v.asLong();
    }

    static double finite(JsonNode v, String where) {
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new BadMessage(where + ": want a finite number");
        }
        return v.asDouble();
    }

    static ObjectNode message(String type) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", Topics.SCHEMA);
        o.put("type", type);
        return o;
    }

    static byte[] bytes(ObjectNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
