package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated bash completion script, sourced in a real bash. */
class CompletionCommandTest {

    @TempDir
    Path dir;

    private Path script() throws IOException {
        CliTest.Run r = CliTest.run("completion", "bash");
        assertEquals(0, r.exit(), r.err());
        Path script = dir.resolve("tileloop-completion.bash");
        Files.writeString(script, r.out());
        return script;
    }

    /** Sources the script in bash, sets the completion words and prints the candidates, one per line. */
    private List<String> complete(Path script, String... words) throws Exception {
        StringBuilder w = new StringBuilder();
        for (String word : words) {
            w.append(" '").append(word).append("'");
        }
        String line = String.join(" ", words);
        String cmd = "source '" + script + "' && COMP_WORDS=(" + w + ") && COMP_CWORD=" + (words.length - 1)
                + " && COMP_LINE='" + line + "' && COMP_POINT=${#COMP_LINE} && _complete_tileloop tileloop '" + words[words.length - 1]
                + "' '" + words[words.length - 2] + "' 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        String out = bash(cmd);
        return out.lines().filter(l -> !l.isBlank()).map(String::strip).toList();
    }

    private static String bash(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theScriptIsValidBashAndCompletesCommandsAndOptions() throws Exception {
        Path script = script();
        bash("bash -n '" + script + "'");
        assertEquals(List.of("train"), complete(script, "tileloop", "tr"));
        assertEquals(List.of("--iterations"), complete(script, "tileloop", "train", "--it"));
        assertEquals(List.of("training", "rig", "daemon"), complete(script, "tileloop", "init-config", ""));
        assertEquals(List.of("--out"), complete(script, "tileloop", "init-config", "--o"));
    }

    @Test
    void everySubcommandOfTheRunningCommandLineIsCompleted() throws Exception {
        Path script = script();
        Set<String> expected = new TreeSet<>(Main.commandLine().getSubcommands().keySet());
        Set<String> offered = new TreeSet<>(complete(script, "tileloop", ""));
        assertTrue(offered.containsAll(expected), "completion lacks " + difference(expected, offered));
        assertTrue(expected.containsAll(List.of("completion", "init-config", "train", "daemon")), expected.toString());
    }

    @Test
    void anUnknownShellIsRefusedInOneLine() {
        CliTest.Run r = CliTest.run("completion", "fish");
        assertEquals(2, r.exit());
        assertEquals("error: Invalid value for positional parameter at index 0 (SHELL): 'fish' is not a supported shell (supported: bash)"
                + " (see: tileloop completion --help)", r.err().strip());
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
