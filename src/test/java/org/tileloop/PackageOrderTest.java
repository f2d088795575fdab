package org.tileloop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No package refers to one above it: plot → input → rig → calibration → train → run → sweep → telemetry → dashboard → fleet → daemon → benchmark → cli. */
class PackageOrderTest {

    static final List<String> ORDER = List.of("plot", "input", "rig", "calibration", "train", "run", "sweep", "telemetry", "dashboard", "fleet", "daemon", "benchmark", "cli");
    static final Pattern PACKAGE = Pattern.compile("^package org\\.tileloop\\.([a-z]+)", Pattern.MULTILINE);
    static final Pattern REFERENCE = Pattern.compile("\\borg\\.tileloop\\.([a-z]+)\\.");

    @Test
    void noPackageImportsOneAboveIt() throws Exception {
        Set<String> violations = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/org/tileloop"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                Matcher pkg = PACKAGE.matcher(src);
                if (!pkg.find()) {
                    violations.add(f + ": not in a known package");
                    continue;
                }
                int level = ORDER.indexOf(pkg.group(1));
                Matcher ref = REFERENCE.matcher(src);
                while (ref.find()) {
                    int target = ORDER.indexOf(ref.group(1));
                    if (level < 0 || target > level) {
                        violations.add(f.getFileName() + " (" + pkg.group(1) + ") -> " + ref.group(1));
                    }
                }
            }
        }
        assertEquals(Set.of(), violations);
    }
}
