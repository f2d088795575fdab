package org.tileloop.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tileloop.input.BadInputException;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * The training runs of one runs directory, read from their directories (each with a
 * {@code manifest.json}; other entries, such as a daemon's measure and calibrate results, are not
 * runs), so runs made before {@code index.jsonl} existed are listed too. Removal locks each run
 * first, so a run a live process holds is never removed. Not thread-safe.
 */
public final class RunCatalog {

    /**
     * The runs found, oldest first, and what was skipped.
     *
     * @param skipped one line per directory that has a manifest tileloop cannot read, naming the file and why
     */
    public record Listing(List<RunSummary> runs, List<String> skipped) {
    }

    /** How a user names a run, for messages. */
    public static final String HOW_TO_NAME = "name a run by its id (as in 'tileloop runs list'), a unique prefix of it, "
            + "'latest', or its directory";

    private static final Comparator<RunSummary> OLDEST_FIRST = Comparator
            .comparing((RunSummary s) -> s.started().orElse(Instant.EPOCH)).thenComparing(RunSummary::runId);

    private final Path runsDir;

    public RunCatalog(Path runsDir) {
        this.runsDir = runsDir;
    }

    public Path runsDir() {
        return runsDir;
    }

    /** Every run of the runs directory (none when it does not exist), oldest first. */
    public Listing list() throws IOException {
        List<RunSummary> runs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path d : runDirectories()) {
            try {
                runs.add(RunSummary.read(d));
            } catch (BadInputException e) {
                skipped.add(e.getMessage());
            }
        }
        runs.sort(OLDEST_FIRST);
        return new Listing(List.copyOf(runs), List.copyOf(skipped));
    }

    private List<Path> runDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(runsDir)) {
            return dirs;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(runsDir)) {
            for (Path d : entries) {
                if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && Files.isRegularFile(d.resolve(RunSummary.MANIFEST))) {
                    dirs.add(d);
                }
            }
        }
        dirs.sort(Comparator.naturalOrder());
        return dirs;
    }

    /**
     * The run {@code name} names: its id in the runs directory, a unique prefix of an id,
     * {@code latest}, or a run directory.
     *
     * @throws BadInputException naming {@code name} and how to name a run
     */
    public RunSummary find(String name) throws IOException {
        if (name.isEmpty() || StrictInput.printable(name).length() != name.length()) {
            throw new BadInputException("'" + StrictInput.printable(name) + "' is not a run name; " + HOW_TO_NAME);
        }
        Path exact = name.contains("/") || name.equals(".") || name.equals("..") ? Path.of(name) : runsDir.resolve(name);
        if (Files.isRegularFile(exact.resolve(RunSummary.MANIFEST))) {
            return RunSummary.read(exact.toRealPath());
        }
        if (name.equals("latest")) {
            throw new BadInputException(runsDir.resolve("latest") + ": no latest run in " + runsDir + "; " + HOW_TO_NAME);
        }
        List<Path> matches = name.contains("/") ? List.of()
                : runDirectories().stream().filter(d -> d.getFileName().toString().startsWith(name)).toList();
        if (matches.size() == 1) {
            return RunSummary.read(matches.get(0).toRealPath());
        }
        if (matches.size() > 1) {
            throw new BadInputException("'" + name + "' is a prefix of " + matches.size() + " runs in " + runsDir + " ("
                    + String.join(", ", matches.stream().limit(4).map(d -> d.getFileName().toString()).toList())
                    + (matches.size() > 4 ? ", ..." : "") + "); give more of the id");
        }
        throw new BadInputException("'" + name + "': no such run in " + runsDir + "; " + HOW_TO_NAME);
    }

    /**
     * Removes {@code runs} (runs of this runs directory) after locking them all, so none is removed
     * when a live process holds any; points {@code latest} at the newest remaining run when it
     * named a removed one (or removes it when none remains); appends a {@code removed} line per
     * run to {@code index.jsonl}.
     *
     * @throws RigConfigurationException when a run lives elsewhere or another process holds it
     */
    public void remove(List<RunSummary> runs) throws IOException {
        Path home = runsDir.toRealPath();
        Map<Path, RunSummary> byDir = new LinkedHashMap<>();
        for (RunSummary r : runs) {
            Path real = r.dir().toRealPath();
            if (!home.equals(real.getParent())) {
                throw new RigConfigurationException(r.dir() + ": not a run of " + runsDir + "; give its runs directory with --runs-dir");
            }
            byDir.putIfAbsent(real, r);
        }
        Path latest = runsDir.resolve("latest");
        Optional<Path> latestRun = Files.isSymbolicLink(latest) && Files.exists(latest) ? Optional.of(latest.toRealPath())
                : Optional.empty();
        List<RunDirectory> locks = new ArrayList<>();
        try {
            for (RunSummary r : byDir.values()) {
                locks.add(lockForRemoval(r));
            }
            for (RunDirectory d : locks) {
                deleteTree(d.path());
            }
        } finally {
            for (RunDirectory d : locks) {
                d.close();
            }
        }
        if (latestRun.isPresent() && byDir.containsKey(latestRun.get())) {
            List<RunSummary> left = list().runs();
            if (left.isEmpty()) {
                Files.deleteIfExists(latest);
            } else {
                RunDirectory.pointLatest(runsDir, left.get(left.size() - 1).dir().getFileName());
            }
        }
        for (RunSummary r : byDir.values()) {
            RunIndex.append(runsDir, r, RunIndex.Event.REMOVED);
        }
    }

    private RunDirectory lockForRemoval(RunSummary r) throws IOException {
        try {
            return RunDirectory.lock(r.dir());
        } catch (RigConfigurationException e) {
            String pid = "";
            try {
                pid = Files.readString(r.dir().resolve(".lock")).strip();
            } catch (IOException unreadable) {
                // the message goes without the pid
            }
            throw new RigConfigurationException(runsDir.resolve(r.dir().getFileName()) + ": run is held by a live process"
                    + (pid.matches("\\d{1,10}") ? " (pid " + pid + ")" : "") + "; stop it first; nothing was removed", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
