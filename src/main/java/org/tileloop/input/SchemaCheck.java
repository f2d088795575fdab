package org.tileloop.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * A JSON Schema from the jar applied to parsed input, with messages in tileloop's words: every
 * problem as {@code key: what is wrong}, unknown keys with the closest known key as a suggestion,
 * never a Java class name. Immutable and thread-safe.
 */
public final class SchemaCheck {

    private static final LevenshteinDistance DISTANCE = new LevenshteinDistance(3);
    private final JsonSchema schema;
    private final JsonNode raw;
    private final Set<String> knownKeys = new TreeSet<>();

    private SchemaCheck(JsonSchema schema, JsonNode raw) {
        this.schema = schema;
        this.raw = raw;
        collectKeys(raw);
    }

    /** Loads {@code /schema/<name>.schema.json} from the jar. */
    public static SchemaCheck of(String name) {
        String resource = "/schema/" + name + ".schema.json";
        try (InputStream in = SchemaCheck.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing from the jar");
            }
            JsonNode raw = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            return new SchemaCheck(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(raw), raw);
        } catch (IOException e) {
            throw new IllegalStateException(resource + " unreadable", e);
        }
    }

    private void collectKeys(JsonNode node) {
        if (node.isObject()) {
            JsonNode props = node.get("properties");
            if (props != null && props.isObject()) {
                props.fieldNames().forEachRemaining(knownKeys::add);
            }
            node.elements().forEachRemaining(this::collectKeys);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(this::collectKeys);
        }
    }

    /** @throws BadInputException {@code source: <what>: problem; problem ...} (one line, sorted) */
    public void validate(JsonNode root, String source, String what) {
        Set<ValidationMessage> problems = schema.validate(root);
        if (!problems.isEmpty()) {
            List<String> list = problems.stream().map(this::describe).sorted().distinct().toList();
            throw new BadInputException(source + ": invalid " + what + ": " + String.join("; ", list));
        }
    }

    private String describe(ValidationMessage m) {
        String key = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
        String where = key.isEmpty() ? "" : key + ".";
        String prop = StrictInput.printable(m.getProperty());
        switch (m.getType()) {
            case "required":
                return where + prop + ": missing (required)";
            case "additionalProperties":
                return where + prop + ": unknown key" + suggestion(m.getProperty());
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                return StrictInput.printable(key) + ": " + plain(m.getInstanceNode()) + " is outside the allowed range "
                        + range(m.getSchemaLocation().getFragment().toString());
            default:
                String msg = m.getMessage();
                int colon = msg.indexOf(": ");
                return (key.isEmpty() ? "(top level)" : StrictInput.printable(key)) + ": "
                        + StrictInput.oneLine(colon >= 0 ? msg.substring(colon + 2) : msg);
        }
    }

    /** The bounds of the schema object holding the keyword at {@code pointer}, e.g. {@code [1, 100000]} or {@code (0, 3600]}. */
    private String range(String pointer) {
        String p = pointer.startsWith("#") ? pointer.substring(1) : pointer;
        JsonNode bounds = raw.at(p.substring(0, Math.max(0, p.lastIndexOf('/'))));
        String lo = bounds.has("minimum") ? "[" + plain(bounds.get("minimum"))
                : bounds.has("exclusiveMinimum") ? "(" + plain(bounds.get("exclusiveMinimum")) : "(-inf";
        String hi = bounds.has("maximum") ? plain(bounds.get("maximum")) + "]"
                : bounds.has("exclusiveMaximum") ? plain(bounds.get("exclusiveMaximum")) + ")" : "inf)";
        return lo + ", " + hi;
    }

    private static String plain(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return n == null ? "?" : StrictInput.printable(n.asText());
        }
        java.math.BigDecimal d = n.decimalValue().stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** {@code " (did you mean `iterations`?)"} for the closest known key within three edits, else empty. */
    public String suggestion(String unknown) {
        if (unknown == null) {
            return "";
        }
        return knownKeys.stream()
                .filter(k -> DISTANCE.apply(k, unknown) >= 0 && DISTANCE.apply(k, unknown) <= Math.max(1, Math.min(3, unknown.length() / 3)))
                .min(Comparator.comparingInt((String k) -> DISTANCE.apply(k, unknown)).thenComparing(k -> k))
                .map(k -> " (did you mean `" + k + "`?)").orElse("");
    }
}
