package org.tileloop.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * The daemon's jobs on disk: {@code jobs.jsonl} in its state directory, one JSON line per change
 * of a job (the job's whole record), appended and fsynced before the change is announced. On
 * start the last record of each job is what it was; the file is then rewritten with just those.
 * Thread-safe.
 */
final class JobStore implements AutoCloseable {

    static final String FILE = "jobs.jsonl";
    /** Largest job file read, bytes. */
    static final long MAX_BYTES = 256L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private FileChannel out;

    JobStore(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        this.file = stateDir.resolve(FILE);
    }

    /**
     * The last record of each job, in the order jobs first appear. A last line without its line
     * end (the process died while writing it) is dropped; any other unreadable line is an error
     * naming the file and line.
     */
    synchronized List<ObjectNode> load() throws IOException {
        Map<String, ObjectNode> last = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        if (Files.isSymbolicLink(file) || Files.size(file) > MAX_BYTES) {
            throw new RigConfigurationException(file + ": not a job file tileloop wrote (a symbolic link or over " + (MAX_BYTES >> 20) + " MiB)");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            boolean torn = i == lines.length - 1;
            if (lines[i].isEmpty()) {
                continue;
            }
            if (torn) {
                break;
            }
            JsonNode n;
            try {
                n = StrictInput.json(lines[i].getBytes(StandardCharsets.UTF_8), 1 << 20, file + ": line " + (i + 1));
            } catch (BadInputException e) {
                throw new RigConfigurationException(e.getMessage() + " (the daemon's job file; move it away to start with no jobs)", e);
            }
            if (!(n instanceof ObjectNode o) || !o.path("id").asText().matches("j[0-9]{1,9}") || !o.path("spec").isObject()
                    || !o.path("rig").isTextual() || !o.path("kind").isTextual() || !o.path("state").isTextual()) {
                throw new RigConfigurationException(file + ": line " + (i + 1) + ": not a job record (id, rig, kind, state, spec)");
            }
            last.put(o.get("id").asText(), o);
        }
        return new ArrayList<>(last.values());
    }

    /** Replaces the file with {@code records} (atomically) and keeps it open for appending. */
    synchronized void rewrite(List<ObjectNode> records) throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        StringBuilder text = new StringBuilder();
        for (ObjectNode r : records) {
            text.append(JSON.writeValueAsString(r)).append('\n');
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            write(ch, text.toString());
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        close();
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Appends one job record and fsyncs it. */
    synchronized void append(ObjectNode record) throws IOException {
        if (out == null) {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        write(out, JSON.writeValueAsString(record) + "\n");
        out.force(false);
    }

    private static void write(FileChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
