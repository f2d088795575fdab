package org.tileloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.tileloop.rig.file.RigFileLoader;

/** Builds the files of a hostile case and mutates copies of a run directory (see src/test/resources/hostile/README.md). */
final class HostileFiles {

    static final ObjectMapper JSON = new ObjectMapper();

    private HostileFiles() {
    }

    static String substitute(String text, Map<String, String> vars) {
        String out = text;
        for (Map.Entry<String, String> v : vars.entrySet()) {
            out = out.replace(v.getKey(), v.getValue());
        }
        return out;
    }

    /** {@code files}: name → text, or {from, replace: [[a, b]...], append} , or {repeat: [prefix, unit, count, suffix]}. */
    static void write(JsonNode files, Path dir, Map<String, String> vars) throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path target = dir.resolve(e.getKey());
            Files.createDirectories(target.getParent());
            JsonNode f = e.getValue();
            if (f.isTextual()) {
                Files.writeString(target, substitute(f.asText(), vars), StandardCharsets.UTF_8);
            } else if (f.has("repeat")) {
                JsonNode r = f.get("repeat");
                try (OutputStream out = Files.newOutputStream(target)) {
                    out.write(substitute(r.get(0).asText(), vars).getBytes(StandardCharsets.UTF_8));
                    byte[] unit = r.get(1).asText().getBytes(StandardCharsets.UTF_8);
                    for (long i = 0; i < r.get(2).asLong(); i++) {
                        out.write(unit);
                    }
                    out.write(substitute(r.get(3).asText(), vars).getBytes(StandardCharsets.UTF_8));
                }
            } else {
                Path from = Path.of(f.get("from").asText());
                String text = Files.readString(from.isAbsolute() ? from : HostileCorpusTest.REPO.resolve(from));
                if (from.startsWith("rigs") && from.getNameCount() == 2) {
                    text = text.replace("../simulated-rig/", HostileCorpusTest.REPO.resolve("simulated-rig") + "/");
                }
                for (JsonNode pair : f.path("replace")) {
                    String a = pair.get(0).asText();
                    if (!text.contains(a)) {
                        throw new IllegalArgumentException(e.getKey() + ": '" + a + "' not found in " + from);
                    }
                    text = text.replace(a, substitute(pair.get(1).asText(), vars));
                }
                text += substitute(f.path("append").asText(""), vars);
                Files.writeString(target, text, StandardCharsets.UTF_8);
            }
        }
    }

    static byte[] payload(JsonNode spec, Map<String, String> vars) {
        if (spec.has("payload_repeat")) {
            JsonNode r = spec.get("payload_repeat");
            StringBuilder b = new StringBuilder(r.get(0).asText());
            b.append(r.get(1).asText().repeat(r.get(2).asInt()));
            b.append(r.get(3).asText());
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }
        return substitute(spec.get("payload").asText(), vars).getBytes(StandardCharsets.UTF_8);
    }

    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
        return to;
    }

    /**
     * Applies mutations to a run directory: each names a {@code file} and one of {@code json_set}
     * ([pointer, value], optional {@code rehash: true} to keep state.json's checksum valid),
     * {@code json_remove} (pointer), {@code truncate} (bytes to keep; negative: bytes to drop),
     * {@code append}, {@code append_nul} (count), {@code write} (whole content), {@code delete},
     * {@code symlink} (target).
     */
    static void mutate(JsonNode mutations, Path run) throws IOException {
        for (JsonNode m : mutations) {
            Path f = run.resolve(m.get("file").asText());
            if (m.has("json_set") || m.has("json_remove")) {
                ObjectNode root = (ObjectNode) JSON.readTree(f.toFile());
                String pointer = m.has("json_set") ? m.get("json_set").get(0).asText() : m.get("json_remove").asText();
                String parent = pointer.substring(0, pointer.lastIndexOf('/'));
                String key = pointer.substring(pointer.lastIndexOf('/') + 1);
                JsonNode holder = parent.isEmpty() ? root : root.at(parent);
                if (m.has("json_remove")) {
                    ((ObjectNode) holder).remove(key);
                } else if (holder.isArray()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) holder).set(Integer.parseInt(key), m.get("json_set").get(1));
                } else {
                    ((ObjectNode) holder).set(key, m.get("json_set").get(1));
                }
                if (m.path("rehash").asBoolean(false)) {
                    root.remove("sha256");
                    root.put("sha256", RigFileLoader.sha256(JSON.writeValueAsBytes(root)));
                }
                Files.write(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            } else if (m.has("truncate")) {
                long n = m.get("truncate").asLong();
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(n >= 0 ? n : Math.max(0, ch.size() + n));
                }
            } else if (m.has("replace_bytes")) {
                String text = Files.readString(f);
                String a = m.get("replace_bytes").get(0).asText();
                String b = m.get("replace_bytes").get(1).asText();
                if (!text.contains(a) || a.length() != b.length()) {
                    throw new IllegalArgumentException(f + ": '" + a + "' not found or not the length of '" + b + "'");
                }
                Files.writeString(f, text.replaceFirst(java.util.regex.Pattern.quote(a), b));
            } else if (m.has("append")) {
                Files.writeString(f, m.get("append").asText(), StandardOpenOption.APPEND);
            } else if (m.has("append_nul")) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ch.write(java.nio.ByteBuffer.allocate(m.get("append_nul").asInt()));
                }
            } else if (m.has("write")) {
                Files.writeString(f, m.get("write").asText());
            } else if (m.has("delete")) {
                Files.delete(f);
            } else if (m.has("symlink")) {
                Files.delete(f);
                Files.createSymbolicLink(f, Path.of(m.get("symlink").asText()));
            } else {
                throw new IllegalArgumentException("unknown mutation " + m);
            }
        }
    }

}
