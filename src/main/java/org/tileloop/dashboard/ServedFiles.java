package org.tileloop.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files the dashboard serves: its page from the class path ({@code dashboard/}) and a run's
 * report files from the runs directory. Every lookup refuses names outside its grammar, so no
 * request reaches a file by {@code ..}, an encoded character or a symbolic link out of the runs directory.
 */
final class ServedFiles {

    /** A file served, with its media type. */
    record Content(byte[] bytes, String contentType) {
    }

    private static final Pattern STATIC = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*(/[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "md", "text/plain; charset=utf-8",
            "txt", "text/plain; charset=utf-8",
            "LICENSE", "text/plain; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "csv", "text/csv; charset=utf-8");

    private ServedFiles() {
    }

    /** The page: {@code index.html}, or the placeholder while there is none. */
    static Optional<Content> page() throws IOException {
        Optional<Content> index = resource("index.html");
        return index.isPresent() ? index : resource("placeholder.html");
    }

    /** {@code dashboard/<path>} from the class path, when {@code path} is plain names with a known extension. */
    static Optional<Content> resource(String path) throws IOException {
        if (!STATIC.matcher(path).matches()) {
            return Optional.empty();
        }
        String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = ServedFiles.class.getClassLoader().getResourceAsStream("dashboard/" + path)) {
            return in == null ? Optional.empty() : Optional.of(new Content(in.readAllBytes(), type));
        }
    }

    /** {@code runsDir/<runId>/<file>} when {@code file} is one of {@link RunView#FILES} and the run id valid. */
    static Optional<Content> runFile(Optional<Path> runsDir, String runId, String file) throws IOException {
        if (runsDir.isEmpty() || !Fields.RUN_ID.matcher(runId).matches() || runId.contains("..") || !RunView.FILES.contains(file)) {
            return Optional.empty();
        }
        Path root = runsDir.get().toAbsolutePath().normalize();
        Path f = root.resolve(runId).resolve(file);
        if (!Files.isRegularFile(f) || !f.toRealPath().startsWith(root.toRealPath())) {
            return Optional.empty();
        }
        return Optional.of(new Content(Files.readAllBytes(f), TYPES.get(file.substring(file.lastIndexOf('.') + 1))));
    }
}
