package org.tileloop.rig.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tileloop.input.ShownPath;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * Turns what a user names a rig or a training config by into a file, the same way in every
 * command: a rig is its id ({@code sim-tile4}: {@code rigs/sim-tile4.yaml}, or the file in
 * {@code rigs/} whose {@code id} it is) or its file ({@code rigs/sim-tile4.yaml}); a training
 * config is a file or a name under {@code training/} beside the rig file.
 */
public final class RigLocator {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern CONFIG_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private final List<Path> rigDirs;

    /** @param rigDirs where rig ids are looked up, first match wins (e.g. {@code ./rigs}, then the checkout's) */
    public RigLocator(List<Path> rigDirs) {
        this.rigDirs = List.copyOf(rigDirs);
    }

    /** Looks in {@code rigs/} of the current directory, then in {@code rigs/} of the tileloop checkout ({@code tileloop.home}). */
    public static RigLocator standard() {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(Path.of("rigs"));
        Path home = Path.of(System.getProperty("tileloop.home", ".")).toAbsolutePath().normalize();
        if (!home.equals(Path.of("").toAbsolutePath().normalize())) {
            dirs.add(home.resolve("rigs"));
        }
        return new RigLocator(new ArrayList<>(dirs));
    }

    /**
     * The rig file {@code ref} names. A file name is returned as it is: loading it says what is wrong with it.
     *
     * @param option how the user gave it, for messages ({@code --rig})
     * @throws RigConfigurationException when it names no rig, with the ids that exist
     */
    public Path rigFile(String ref, String option) {
        return isFile(ref) ? path(ref, option) : byId(ref, option).path();
    }

    /** The rig {@code ref} names, loaded once: {@link #rigFile} and then {@link RigFileLoader#load}. */
    public RigFile rig(String ref, String option) {
        return isFile(ref) ? RigFileLoader.load(path(ref, option)) : byId(ref, option);
    }

    private RigFile byId(String ref, String option) {
        if (!ID.matcher(ref).matches()) {
            throw new RigConfigurationException(option + " '" + StrictInput.printable(ref)
                    + "': not a rig id (like sim-tile4) or a rig file (like rigs/sim-tile4.yaml)");
        }
        for (Path dir : rigDirs) {
            Path direct = dir.resolve(ref + ".yaml");
            if (Files.exists(direct)) {
                RigFile rig = RigFileLoader.load(ShownPath.of(direct));
                String id = rig.description().id();
                if (!id.equals(ref)) {
                    throw new RigConfigurationException(option + " " + ref + ": " + ShownPath.of(direct) + " is rig " + id
                            + ", not " + ref + "; give the file, or fix its id");
                }
                return rig;
            }
        }
        for (Path f : rigFiles()) {
            Optional<RigFile> rig = loaded(ShownPath.of(f));
            if (rig.filter(r -> r.description().id().equals(ref)).isPresent()) {
                return rig.get();
            }
        }
        throw new RigConfigurationException(option + " " + ref + ": no rig with that id in rigs/ (rigs: " + String.join(", ", ids()) + ")");
    }

    /**
     * The training config {@code ref} names: a file, or a name under {@code training/} beside
     * the rig file ({@code sim-tile4-patterns}: {@code rigs/training/sim-tile4-patterns.yaml}).
     */
    public static Path trainingConfig(String ref, Path rigFile, String option) {
        if (isFile(ref)) {
            return path(ref, option);
        }
        if (!CONFIG_NAME.matcher(ref).matches()) {
            throw new RigConfigurationException(option + " '" + StrictInput.printable(ref)
                    + "': not a training config name (like sim-tile4-patterns) or file (like rigs/training/sim-tile4.yaml)");
        }
        Path f = trainingDir(rigFile).resolve(ref + ".yaml");
        if (!Files.isRegularFile(f)) {
            throw new RigConfigurationException(option + " " + ref + ": no training config of that name beside the rig (names: "
                    + String.join(", ", configNames(trainingDir(rigFile))) + ")");
        }
        return f;
    }

    private static List<String> configNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).map(n -> n.substring(0, n.length() - 5))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The name of a training config as a daemon takes it ({@code rigs/training/<name>.yaml} on its
     * host): a name as it is, or a file only when it lies in the {@code training/} directory of
     * one of the rig directories (a file elsewhere would never be what the daemon runs).
     */
    public String trainingConfigName(String ref, String option) {
        if (!isFile(ref)) {
            if (!CONFIG_NAME.matcher(ref).matches()) {
                throw new RigConfigurationException(option + " '" + StrictInput.printable(ref) + "': not a training config name (like sim-tile4-patterns)");
            }
            return ref;
        }
        Path file = path(ref, option).toAbsolutePath().normalize();
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        for (Path dir : rigDirs) {
            if (dir.resolve("training").toAbsolutePath().normalize().equals(file.getParent()) && Files.isRegularFile(file)
                    && CONFIG_NAME.matcher(name).matches()) {
                return name;
            }
        }
        throw new RigConfigurationException(option + " " + StrictInput.printable(ref)
                + ": a daemon takes training configs by name from its rigs/training/; give a name such as sim-tile4-patterns");
    }

    /** The default training config of a rig: {@code training/<rig id>.yaml} beside its file. */
    public static Path defaultTrainingConfig(Path rigFile, String rigId) {
        return trainingDir(rigFile).resolve(rigId + ".yaml");
    }

    private static Path trainingDir(Path rigFile) {
        Path parent = rigFile.getParent();
        return parent == null ? Path.of("training") : parent.resolve("training");
    }

    /** The ids of the rig files in the rig directories, sorted. */
    public List<String> ids() {
        return rigFiles().stream().map(RigLocator::loaded).flatMap(Optional::stream).map(r -> r.description().id()).distinct().sorted()
                .toList();
    }

    private List<Path> rigFiles() {
        List<Path> out = new ArrayList<>();
        for (Path dir : rigDirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().forEach(out::add);
            } catch (IOException e) {
                // an unreadable directory holds no rig we can name
            }
        }
        return out;
    }

    private static Optional<RigFile> loaded(Path file) {
        try {
            return Optional.of(RigFileLoader.load(file));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether the user named a file (a path, or a name ending in .yaml/.yml) rather than an id or a name. */
    public static boolean isFile(String ref) {
        return ref.contains("/") || ref.endsWith(".yaml") || ref.endsWith(".yml");
    }

    private static Path path(String ref, String option) {
        try {
            return Path.of(ref);
        } catch (java.nio.file.InvalidPathException e) {
            throw new RigConfigurationException(option + " '" + StrictInput.printable(ref) + "': not a file name");
        }
    }
}
