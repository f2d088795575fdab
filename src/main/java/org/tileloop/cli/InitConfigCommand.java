package org.tileloop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tileloop.input.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints or writes a commented YAML template of a config file kind (resources under {@code templates/}). */
@Command(name = "init-config", mixinStandardHelpOptions = true,
        description = {"Print a commented template of a training config, rig file or daemon config.",
                "Every key the kind's schema allows is listed with its meaning, unit, range and default; optional keys are commented out (#key: value)."})
final class InitConfigCommand implements Callable<Integer> {

    /** The config file kinds that have a template, each with its resource and its JSON Schema name. */
    enum ConfigKind {
        TRAINING, RIG, DAEMON;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The template, as shipped in {@code templates/<key>.yaml}. */
        String template() {
            String resource = "/templates/" + key() + ".yaml";
            try (InputStream in = InitConfigCommand.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("template " + resource + " is missing from the build");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static ConfigKind parse(String text) {
            for (ConfigKind k : values()) {
                if (k.key().equals(text)) {
                    return k;
                }
            }
            throw new CommandLine.TypeConversionException("'" + text + "' is not a config kind (one of: training, rig, daemon)");
        }
    }

    static final class Kinds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of(ConfigKind.values()).stream().map(ConfigKind::key).iterator();
        }
    }

    static final class KindConverter implements CommandLine.ITypeConverter<ConfigKind> {
        @Override
        public ConfigKind convert(String value) {
            return ConfigKind.parse(value);
        }
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", converter = KindConverter.class, completionCandidates = Kinds.class,
            description = "Which template: ${COMPLETION-CANDIDATES}.")
    ConfigKind kind;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the template to FILE (refused if it exists) instead of printing it.")
    Path out;

    @Override
    public Integer call() throws IOException {
        String text = kind.template();
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return 0;
        }
        try {
            Files.writeString(out, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new BadInputException(out + ": already exists; init-config does not overwrite files (choose another --out)");
        } catch (NoSuchFileException e) {
            throw new BadInputException(out + ": --out: directory " + out.toAbsolutePath().getParent().getFileName() + " does not exist");
        }
        spec.commandLine().getErr().println("wrote " + out);
        return 0;
    }
}
