package org.tileloop.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tileloop.input.Failures;

/**
 * {@code <runs>/index.jsonl}, the machine-readable log of a runs directory: one JSON object per
 * line for every run start, resume, stop and removal ({@link RunSummary#json()} with
 * {@code time} and {@code event} in front). Each append holds an exclusive lock on the file, starts
 * on a fresh line when a crash left the last one torn, and is fsynced; readers skip lines that are
 * not whole JSON objects. Thread-safe.
 */
public final class RunIndex {

    /** The file's name in a runs directory. */
    public static final String FILE = "index.jsonl";

    /** Why a line was appended. */
    public enum Event {
        START, RESUME, STOP, REMOVED;

        /** The lower-case name written in the file. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunIndex() {
    }

    /** Appends a line about {@code run} (in {@code runsDir}) for {@code event}. */
    public static void append(Path runsDir, RunSummary run, Event event) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("event", event.wire());
        line.setAll(run.json());
        byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (RunIndex.class) {
            try (FileChannel ch = FileChannel.open(runsDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                long end = ch.size();
                ByteBuffer last = ByteBuffer.allocate(1);
                boolean torn = end > 0 && ch.read(last, end - 1) == 1 && last.get(0) != '\n';
                ByteBuffer out = ByteBuffer.allocate(bytes.length + (torn ? 1 : 0));
                if (torn) {
                    out.put((byte) '\n');
                }
                out.put(bytes).flip();
                while (out.hasRemaining()) {
                    end += ch.write(out, end);
                }
                ch.force(true);
            }
        }
    }

    /**
     * Appends a line about the run in {@code runDir} (its runs directory is its parent), read back
     * from its files. A failure does not stop the run (its manifest stays the record): it is
     * returned as a warning for a human.
     */
    static Optional<String> record(Path runDir, Event event) {
        try {
            append(runDir.getParent(), RunSummary.read(runDir), event);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("warning: " + runDir.getParent().resolve(FILE) + ": could not record the run's " + event.wire()
                    + " (" + Failures.describe(e) + "); its manifest is unaffected");
        }
    }

    /** The whole lines of {@code runsDir}'s index, oldest first; empty when it has none. */
    public static List<ObjectNode> read(Path runsDir) throws IOException {
        Path file = runsDir.resolve(FILE);
        List<ObjectNode> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                try {
                    JsonNode n = JSON.readTree(text);
                    if (n != null && n.isObject()) {
                        lines.add((ObjectNode) n);
                    }
                } catch (IOException torn) {
                    // a line cut short by a crash: skipped
                }
            }
        }
        return lines;
    }
}
