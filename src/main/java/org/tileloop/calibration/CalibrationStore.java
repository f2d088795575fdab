package org.tileloop.calibration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.tileloop.input.BadInputException;
import org.tileloop.input.ShownPath;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.RigConfigurationException;

/**
 * Calibration records under a root directory: {@code <root>/<rig-id>/<UTC timestamp>.json},
 * never overwritten, and {@code <root>/<rig-id>/current} naming the record in use.
 */
public final class CalibrationStore {

    public static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private final Path root;

    /** @throws RigConfigurationException when {@code root} is empty or exists but is not a directory */
    public CalibrationStore(Path root) {
        if (root.toString().isEmpty()) {
            throw new RigConfigurationException("calibration directory: an empty path names no directory");
        }
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new RigConfigurationException(ShownPath.of(root) + ": calibration directory is not a directory");
        }
        this.root = root;
    }

    /** {@code <tileloop.home>/calibration}, or {@code ./calibration}. */
    public static CalibrationStore defaultStore() {
        return new CalibrationStore(Path.of(System.getProperty("tileloop.home", ".")).resolve("calibration"));
    }

    public Path root() {
        return root;
    }

    /** A fresh id for a record of {@code rigId} taken at {@code at} (a suffix keeps ids unique within a second). */
    public String newId(String rigId, Instant at) {
        String base = rigId + "/" + STAMP.format(at);
        String id = base;
        for (int i = 2; Files.exists(file(id)); i++) {
            id = base + "-" + i;
        }
        return id;
    }

    public Path file(String id) {
        if (!id.matches("[a-z][a-z0-9-]{0,62}/\\d{8}T\\d{6}Z(-\\d+)?")) {
            throw new RigConfigurationException("'" + id.replaceAll("\\p{Cntrl}", "?") + "' is not a calibration id (<rig-id>/<yyyyMMddTHHmmssZ>)");
        }
        return root.resolve(id + ".json");
    }

    /** Writes a new record (refusing to overwrite) and makes it current; returns its file. */
    public Path save(CalibrationRecord record) throws IOException {
        Path f = file(record.id());
        Files.createDirectories(f.getParent());
        try {
            Files.write(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record), StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new RigConfigurationException(ShownPath.of(f) + ": calibration records are never overwritten");
        }
        Path tmp = f.resolveSibling("current.tmp");
        Files.writeString(tmp, f.getFileName() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, f.resolveSibling("current"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return f;
    }

    /** Largest plausible timing offset of a channel, ns. */
    static final double MAX_OFFSET_NS = 1000;

    public CalibrationRecord load(String id) {
        Path f = file(id);
        if (!Files.isRegularFile(f)) {
            throw new RigConfigurationException(ShownPath.of(f) + ": no such calibration record");
        }
        if (Files.isSymbolicLink(f)) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: a symbolic link; records live in the store");
        }
        CalibrationRecord r;
        try {
            r = JSON.treeToValue(StrictInput.jsonFile(f, "calibration record"), CalibrationRecord.class);
        } catch (BadInputException e) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: " + e.getMessage().substring(f.toString().length() + 2), e);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: unknown key '" + StrictInput.printable(e.getPropertyName()) + "'", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: " + StrictInput.oneLine(e.getMessage()), e);
        }
        if (r == null) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: empty");
        }
        if (r.schemaVersion() != CalibrationRecord.SCHEMA_VERSION || !id.equals(r.id()) || r.channels().isEmpty()) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: want schema_version " + CalibrationRecord.SCHEMA_VERSION
                    + ", id " + id + " (the file's name) and at least one channel; has schema_version " + r.schemaVersion()
                    + ", id " + StrictInput.printable(r.id()) + ", " + r.channels().size() + " channels");
        }
        String rigDir = f.getParent().getFileName().toString();
        if (!rigDir.equals(r.rigId())) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: rig_id '" + StrictInput.printable(r.rigId())
                    + "' in the directory of rig " + rigDir);
        }
        if (!(r.maxAgeHours() > 0 && r.maxAgeHours() <= 100_000) || !(r.maxResidualPs() > 0 && r.maxResidualPs() <= 1_000_000)
                || r.repeats() < 1) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: max_age_hours " + r.maxAgeHours()
                    + " / max_residual_ps " + r.maxResidualPs() + " / repeats " + r.repeats() + " out of range");
        }
        for (CalibrationRecord.ChannelFit c : r.channels()) {
            if (!(Double.isFinite(c.offsetNs()) && Math.abs(c.offsetNs()) <= MAX_OFFSET_NS && c.gain() > 0.5 && c.gain() < 2)) {
                throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: channel " + c.channel()
                        + " has offset " + c.offsetNs() + " ns, gain " + c.gain() + " (offset within ±1000 ns; gain must lie in (0.5, 2))");
            }
            if (c.points() == null || c.points().size() < 2) {
                throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: channel " + c.channel() + " has fewer than 2 points");
            }
            for (double[] pt : c.points()) {
                double fitPs = pt == null || pt.length != 2 ? Double.NaN : Math.abs(pt[1] - (c.offsetNs() + c.gain() * pt[0])) * 1000;
                if (!(fitPs <= r.maxResidualPs() * 1.001 + 0.01)) {
                    throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: channel " + c.channel()
                            + ": its fit misses its own points by more than max_residual_ps " + r.maxResidualPs() + " ps");
                }
            }
            if (!(c.residualRmsPs() >= 0 && c.residualRmsPs() <= r.maxResidualPs() && c.maxResidualPs() >= 0
                    && c.maxResidualPs() <= r.maxResidualPs() && c.rSquared() >= 0 && c.rSquared() <= 1)) {
                throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: channel " + c.channel() + " residual rms "
                        + c.residualRmsPs() + " ps, max " + c.maxResidualPs() + " ps, r² " + c.rSquared()
                        + " (residuals within max_residual_ps " + r.maxResidualPs() + ", r² in [0, 1])");
            }
        }
        try {
            r.expiresAt();
        } catch (RuntimeException e) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: valid_from '" + StrictInput.printable(r.validFrom()) + "'", e);
        }
        if (java.time.Instant.parse(r.validFrom()).isAfter(java.time.Instant.now().plusSeconds(300))) {
            throw new RigConfigurationException(ShownPath.of(f) + ": corrupt calibration record: valid_from " + r.validFrom() + " is in the future");
        }
        return r;
    }

    /** The record {@code current} names, if any. */
    public Optional<CalibrationRecord> current(String rigId) {
        Path pointer = root.resolve(rigId).resolve("current");
        if (!Files.exists(pointer)) {
            return Optional.empty();
        }
        String name;
        try {
            name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new RigConfigurationException(ShownPath.of(pointer) + ": unreadable: " + e.getMessage(), e);
        }
        if (!name.endsWith(".json")) {
            throw new RigConfigurationException(ShownPath.of(pointer) + ": should name a record file (<yyyyMMddTHHmmssZ>.json), has '"
                    + name.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        String id = rigId + "/" + name.substring(0, name.length() - 5);
        if (!Files.isRegularFile(file(id))) {
            throw new RigConfigurationException(ShownPath.of(pointer) + ": points at " + name + ", which does not exist");
        }
        return Optional.of(load(id));
    }

    /** Every record of {@code rigId}, oldest first. */
    public List<CalibrationRecord> list(String rigId) throws IOException {
        Path dir = root.resolve(rigId);
        List<CalibrationRecord> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String name = f.getFileName().toString();
                out.add(load(rigId + "/" + name.substring(0, name.length() - 5)));
            }
        }
        return out;
    }
}
