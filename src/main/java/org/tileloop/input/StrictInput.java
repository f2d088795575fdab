package org.tileloop.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one way tileloop reads structured input (rig files, training configs, daemon configs, run
 * state, MQTT payloads): size-limited before parsing, YAML with alias, nesting and code-point
 * limits, duplicate keys refused, and every string and key free of control characters, every
 * number finite and every integer exactly representable. Thread-safe.
 */
public final class StrictInput {

    /** Files larger than this are refused before parsing, bytes. */
    public static final long MAX_FILE_BYTES = 1 << 20;
    /** Deepest nesting of mappings and lists accepted. */
    public static final int MAX_DEPTH = 24;

    private static final ObjectMapper YAML;
    private static final ObjectMapper JSON;

    static {
        LoaderOptions yaml = new LoaderOptions();
        yaml.setAllowDuplicateKeys(false);
        yaml.setNestingDepthLimit(MAX_DEPTH);
        yaml.setCodePointLimit((int) MAX_FILE_BYTES);
        yaml.setAllowRecursiveKeys(false);
        StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                .maxStringLength((int) MAX_FILE_BYTES).maxNumberLength(64).build();
        YAMLFactory yf = YAMLFactory.builder().loaderOptions(yaml).streamReadConstraints(limits)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        YAML = configure(new ObjectMapper(yf)).enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
        JsonFactory jf = JsonFactory.builder().streamReadConstraints(limits)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        JSON = configure(new ObjectMapper(jf));
    }

    private static ObjectMapper configure(ObjectMapper m) {
        return m.enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
    }

    private StrictInput() {
    }

    /** The bytes of {@code file} ({@code what} names it in messages, e.g. "rig file"), refused above {@link #MAX_FILE_BYTES}. */
    public static byte[] read(Path file, String what) {
        return read(file, what, MAX_FILE_BYTES);
    }

    private static byte[] read(Path file, String what, long maxBytes) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new BadInputException(file + ": " + what + " of " + size + " bytes exceeds the limit of " + maxBytes + " bytes");
            }
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(file + ": " + what + " is not a regular file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": " + what + " not found");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read " + what + ": " + oneLine(e.getMessage()));
        }
    }

    /** {@link #read} decoded as strict UTF-8 (malformed bytes refused). */
    public static String readText(Path file, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(read(file, what))).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + ": " + what + " is not valid UTF-8 text");
        }
    }

    /** A YAML file parsed and checked; never null (an empty file is an error). */
    public static JsonNode yamlFile(Path file, String what) {
        return yaml(read(file, what), file.toString(), what);
    }

    /** YAML bytes already read with {@link #read}, parsed and checked. */
    public static JsonNode yaml(byte[] bytes, String source, String what) {
        checkYamlEvents(bytes, source);
        return parse(YAML, bytes, source, what);
    }

    /** Plain scalars YAML 1.1 reads as numbers written other than in decimal: octal 04000, hex, binary, 3_000, 1:30. */
    private static final java.util.regex.Pattern NON_DECIMAL = java.util.regex.Pattern.compile(
            "[-+]?(0[0-9_]+(\\.[0-9_]*)?|0[xXoObB][0-9a-fA-F_]+|[0-9][0-9]*_[0-9_]*(\\.[0-9_]*)?|[0-9]+(:[0-5]?[0-9])+(\\.[0-9]*)?)");

    /**
     * Refuses what YAML can mean but a tileloop file must not: anchors and aliases (Jackson would
     * read an alias as the anchor's name, not its value), explicit tags, and numbers that are not
     * plain decimal (YAML 1.1 reads {@code 04000} as 2048).
     */
    private static void checkYamlEvents(byte[] bytes, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) MAX_FILE_BYTES);
        options.setNestingDepthLimit(MAX_DEPTH);
        try {
            for (org.yaml.snakeyaml.events.Event e : new org.yaml.snakeyaml.Yaml(options)
                    .parse(new java.io.InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
                int line = e.getStartMark() == null ? 0 : e.getStartMark().getLine() + 1;
                if (e instanceof org.yaml.snakeyaml.events.AliasEvent
                        || (e instanceof org.yaml.snakeyaml.events.NodeEvent n && n.getAnchor() != null)) {
                    throw new BadInputException(source + ": line " + line + ": YAML anchors and aliases (& and *) are not supported;"
                            + " write the value out");
                }
                String tag = e instanceof org.yaml.snakeyaml.events.ScalarEvent sc ? sc.getTag()
                        : e instanceof org.yaml.snakeyaml.events.CollectionStartEvent c ? c.getTag() : null;
                if (tag != null) {
                    throw new BadInputException(source + ": line " + line + ": YAML tag '" + printable(tag) + "' is not supported");
                }
                if (e instanceof org.yaml.snakeyaml.events.ScalarEvent sc && sc.isPlain() && NON_DECIMAL.matcher(sc.getValue()).matches()) {
                    throw new BadInputException(source + ": line " + line + ": number '" + printable(sc.getValue())
                            + "' is not plain decimal (YAML reads leading zeros as octal); write e.g. " + plainHint(sc.getValue()));
                }
            }
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            throw new BadInputException(source + ": not valid YAML: " + oneLine(e.getProblem())
                    + (e.getProblemMark() != null ? " (line " + (e.getProblemMark().getLine() + 1) + ")" : ""));
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new BadInputException(source + ": not valid YAML: " + oneLine(e.getMessage()));
        }
    }

    private static String plainHint(String value) {
        String digits = value.replace("_", "").replaceFirst("^([-+]?)0+(?=\\d)", "$1");
        return digits.matches("[-+]?[0-9]+(\\.[0-9]*)?") ? digits : "a decimal number";
    }

    /** A JSON file parsed and checked. */
    public static JsonNode jsonFile(Path file, String what) {
        return jsonFile(file, what, MAX_FILE_BYTES);
    }

    /** A JSON file of at most {@code maxBytes} (for files tileloop itself grows, such as a run's state), parsed and checked. */
    public static JsonNode jsonFile(Path file, String what, long maxBytes) {
        return parse(JSON, read(file, what, maxBytes), file.toString(), what);
    }

    /** JSON bytes from {@code source} (e.g. an MQTT topic), at most {@code maxBytes}. */
    public static JsonNode json(byte[] bytes, int maxBytes, String source) {
        if (bytes.length > maxBytes) {
            throw new BadInputException(source + ": payload of " + bytes.length + " bytes exceeds the limit of " + maxBytes + " bytes");
        }
        return parse(JSON, bytes, source, "payload");
    }

    private static JsonNode parse(ObjectMapper mapper, byte[] bytes, String source, String what) {
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? " (line " + e.getLocation().getLineNr() + ")" : "";
            String key = e.getProcessor() instanceof JsonParser p && p.getParsingContext() != null
                    ? keyOf(p.getParsingContext().pathAsPointer().toString()) : "";
            loc = key.isEmpty() ? loc : " at " + printable(key) + loc;
            String why = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")
                    ? "content after the end of the document" : oneLine(e.getOriginalMessage());
            throw new BadInputException(source + ": not valid " + (mapper == YAML ? "YAML" : "JSON") + ": " + why + loc);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(source + ": cannot parse " + what + ": " + oneLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new BadInputException(source + ": " + what + " is empty");
        }
        check(root, source, "", 0);
        return root;
    }

    /** {@code /targets_ns/4.5/0} as {@code targets_ns.4.5[0]}. */
    private static String keyOf(String pointer) {
        StringBuilder b = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String p = part.replace("~1", "/").replace("~0", "~");
            b.append(p.matches("\\d+") ? "[" + p + "]" : (b.length() == 0 ? "" : ".") + p);
        }
        return b.toString();
    }

    private static void check(JsonNode node, String source, String key, int depth) {
        if (depth > MAX_DEPTH) {
            throw new BadInputException(source + ": " + key + ": nested deeper than " + MAX_DEPTH + " levels");
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = key.isEmpty() ? e.getKey() : key + "." + e.getKey();
                requirePrintable(source, child, e.getKey(), "key");
                check(e.getValue(), source, child, depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), source, key + "[" + i + "]", depth + 1);
            }
        } else if (node.isTextual()) {
            requirePrintable(source, key, node.textValue(), "value");
        } else if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new BadInputException(source + ": " + where(key) + node.asText() + " is out of range for an integer (at most "
                        + Long.MAX_VALUE + " in magnitude)");
            }
        } else if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
            throw new BadInputException(source + ": " + where(key) + "must be a finite number, not " + node.asText());
        } else if (node.isBinary() || node.isPojo()) {
            throw new BadInputException(source + ": " + where(key) + "must be text, a number, a list or a mapping");
        }
    }

    private static String where(String key) {
        return key.isEmpty() ? "" : key + ": ";
    }

    /** Refuses C0/C1 control characters, DEL and line separators: every name and value is one line of text. */
    public static void requirePrintable(String source, String key, String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((isControl(c) && c != '\t') || (c == '\t' && what.equals("key"))) {
                throw new BadInputException(source + ": " + where(printable(key)) + what + " contains control character U+"
                        + String.format(Locale.ROOT, "%04X", (int) c));
            }
        }
    }

    /** C0 and C1 control characters, DEL and the Unicode line and paragraph separators. */
    public static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }

    /** {@code text} safe to echo in a one-line message: control characters escaped, at most 80 characters. */
    public static String printable(String text) {
        return printable(text, 80);
    }

    private static String printable(String text, int max) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < max; i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.length() >= max && text.length() > max ? b + "..." : b.toString();
    }

    private static final java.util.regex.Pattern JAVA_NAME = java.util.regex.Pattern.compile(
            "\\(?(bound as |through reference chain: )?`?\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z][\\w$]*(\\.[\\w$]+)*`?\\)?");

    /** The first line of {@code message} with Java class names removed, for wrapping library errors in a one-line message. */
    public static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String first = message.strip().lines().findFirst().orElse("");
        String clean = first.replaceAll("\\s*\\(through reference chain: .*\\)", "")
                .replaceAll(", from `[^`]*`\\)", ")")
                .replaceAll("\\s*\\(?[Ss]ource: REDACTED[^)]*\\)*\\)?", "")
                .replaceAll("\\s*\\(?(enable|use|set)? ?`[^`]*[.(][^`]*`( to allow)?\\)?", "")
                .replaceAll(": not a valid `[A-Z]\\w*` value", ": not a valid value of this type")
                .replaceAll("\\(not recognized as one since Feature '\\w+' not enabled for parser\\)", "(comments are not allowed)");
        return printable(JAVA_NAME.matcher(clean).replaceAll("").replaceAll("\\s{2,}", " ").strip(), 600);
    }
}
