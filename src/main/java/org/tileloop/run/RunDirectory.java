package org.tileloop.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.run.RunState;

/**
 * A run's directory while a process works on it: an exclusive lock on {@code .lock} (so a run
 * whose holder died is known to be interrupted), the {@code latest} link of its runs directory
 * (replaced atomically, never pointing at itself), a small space reserve for the manifest's last
 * words on a full disk, and the manifest file. Not thread-safe; one per process and run.
 */
final class RunDirectory implements AutoCloseable {

    /** Bytes kept free in the run directory while it runs, so a full disk can still take the manifest's last words. */
    static final int RESERVE_BYTES = 32 * 1024;
    static final Pattern RUN_ID = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{8}(-\\d{1,6})?");
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The run directories (real paths) this process holds. They are never probed through a second
     * channel: closing any channel on {@code .lock} drops the whole process's POSIX lock on it.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private RunDirectory(Path dir) throws IOException {
        this.dir = dir;
        if (!HELD.add(dir)) {
            throw new RigConfigurationException(dir + ": run is in progress in this process; wait for it or stop it first");
        }
        FileLock l = null;
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } finally {
            if (l == null) {
                HELD.remove(dir);
                if (ch != null) {
                    ch.close();
                }
            }
        }
        if (l == null) {
            throw new RigConfigurationException(dir + ": run is in progress in another process; wait for it or stop it first");
        }
        this.lockChannel = ch;
        this.lock = l;
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** A new, locked run directory {@code runsDir/runId} (a suffix {@code -2}, {@code -3}... when taken). */
    static RunDirectory create(Path runsDir, String runId) throws IOException {
        Files.createDirectories(runsDir);
        for (int i = 1; ; i++) {
            Path d = runsDir.resolve(i == 1 ? runId : runId + "-" + i);
            try {
                return new RunDirectory(Files.createDirectory(d).toRealPath());
            } catch (FileAlreadyExistsException e) {
                // same second, same config: take the next suffix
            }
        }
    }

    /**
     * An existing run named by its directory, a link to it (such as {@code runs/latest}) or its run
     * id inside {@code runsDir}; locked.
     *
     * @throws RigConfigurationException when it names no run directory or another process holds it
     */
    static RunDirectory open(Path name, Path runsDir) throws IOException {
        Path candidate = name;
        if (!Files.exists(candidate) && name.getNameCount() == 1 && RUN_ID.matcher(name.toString()).matches()) {
            candidate = runsDir.resolve(name);
        }
        if (!Files.isRegularFile(candidate.resolve("manifest.json")) || !Files.isRegularFile(candidate.resolve(RunState.FILE))) {
            throw new RigConfigurationException(name + ": not a resumable run directory (needs manifest.json and "
                    + RunState.FILE + "; give the directory, runs/latest or a run id)");
        }
        return new RunDirectory(candidate.toRealPath());
    }

    /**
     * Locks the existing run directory {@code dir} whatever state it is in (e.g. to remove it).
     *
     * @throws RigConfigurationException when another process holds it
     */
    static RunDirectory lock(Path dir) throws IOException {
        return new RunDirectory(dir.toRealPath());
    }

    Path path() {
        return dir;
    }

    /**
     * Whether the run in {@code dir} says {@code running} while no process holds its lock: its
     * process died without recording a stop. Reads the manifest under a shared lock, so a holder
     * that just wrote its final status is never taken for a dead one.
     */
    static boolean interrupted(Path dir) {
        try {
            if (HELD.contains(dir.toRealPath())) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        Path manifest = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifest) || !Files.isRegularFile(dir.resolve(".lock"))) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.READ)) {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return false;
            }
            try {
                return RunStatus.RUNNING.wire().equals(StrictInput.jsonFile(manifest, "run manifest").path("status").asText());
            } finally {
                l.release();
            }
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException | BadInputException e) {
            return false;
        }
    }

    Path manifestFile() {
        return dir.resolve("manifest.json");
    }

    /** Points {@code latest} beside this directory at it, replacing the old link in one step. */
    void pointLatest() throws IOException {
        pointLatest(dir.getParent(), dir.getFileName());
    }

    /** Points {@code runs/latest} at the run directory {@code runs/name}, replacing the old link in one step. */
    static void pointLatest(Path runs, Path name) throws IOException {
        Path tmp = runs.resolve(".latest-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, name);
        Files.move(tmp, runs.resolve("latest"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void reserve() throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve(".reserve"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer zeros = ByteBuffer.allocate(RESERVE_BYTES);
            while (zeros.hasRemaining()) {
                ch.write(zeros);
            }
            ch.force(true);
        }
    }

    void releaseReserve() throws IOException {
        Files.deleteIfExists(dir.resolve(".reserve"));
    }

    void writeManifest(ObjectNode manifest) throws IOException {
        Path tmp = dir.resolve("manifest.json.tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        Files.move(tmp, manifestFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The manifest as tileloop writes it: strict JSON, an object with the keys a resume relies on. */
    ObjectNode readManifest() {
        Path file = manifestFile();
        JsonNode node;
        try {
            node = StrictInput.jsonFile(file, "run manifest");
        } catch (BadInputException e) {
            throw new RigConfigurationException(e.getMessage(), e);
        }
        if (!node.isObject()) {
            throw new RigConfigurationException(file + ": not a run manifest (a JSON object)");
        }
        if (!node.path("rig_file_from_run").isTextual() && !node.path("rig_file_absolute").isTextual()) {
            throw new RigConfigurationException(file + ": rig_file_from_run: missing or not text; this run cannot be resumed");
        }
        for (String key : List.of("run_id", "rig_file_sha256", "status")) {
            if (!node.path(key).isTextual() || node.get(key).asText().isEmpty()) {
                throw new RigConfigurationException(file + ": " + key + ": missing or not text; this run cannot be resumed");
            }
        }
        if (!node.path("config").isObject()) {
            throw new RigConfigurationException(file + ": config: missing or not an object; this run cannot be resumed");
        }
        if (RunStatus.fromWire(node.get("status").asText()).isEmpty()) {
            throw new RigConfigurationException(file + ": status: '" + StrictInput.printable(node.get("status").asText())
                    + "' is not one of " + java.util.Arrays.stream(RunStatus.values()).map(RunStatus::wire).sorted().toList());
        }
        if (!node.get("rig_file_sha256").asText().matches("[0-9a-f]{64}")) {
            throw new RigConfigurationException(file + ": rig_file_sha256: not a SHA-256 hex digest");
        }
        return (ObjectNode) node;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            lockChannel.close();
        } finally {
            HELD.remove(dir);
        }
    }
}
