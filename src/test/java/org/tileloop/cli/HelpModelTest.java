package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Walks the whole picocli model: every command and option is documented, and help renders without a picocli warning. */
class HelpModelTest {

    private static final Pattern SENTENCE = Pattern.compile("[A-Z][^\\n]*[.]");
    private static final Pattern TWO_SENTENCES = Pattern.compile(".*[.!?] [A-Z].*");

    private static List<CommandLine> all(CommandLine root) {
        List<CommandLine> out = new ArrayList<>(List.of(root));
        root.getSubcommands().values().stream().distinct().forEach(c -> out.addAll(all(c)));
        return out;
    }

    @Test
    void everyCommandHasAOneSentenceSummaryAndEveryOptionADescription() {
        List<String> problems = new ArrayList<>();
        List<CommandLine> commands = all(Main.commandLine());
        assertTrue(commands.size() >= 25, "walked " + commands.size() + " commands");
        for (CommandLine cl : commands) {
            CommandSpec spec = cl.getCommandSpec();
            String name = spec.qualifiedName(" ");
            String[] header = spec.usageMessage().header();
            String[] description = header.length > 0 ? header : spec.usageMessage().description();
            if (description.length == 0) {
                problems.add(name + ": no description");
            } else if (!SENTENCE.matcher(description[0]).matches() || TWO_SENTENCES.matcher(description[0]).matches()) {
                problems.add(name + ": summary is not one whole sentence: '" + description[0] + "'");
            }
            for (OptionSpec o : spec.options()) {
                String text = String.join(" ", o.description());
                if (text.isBlank() || !text.strip().endsWith(".")) {
                    problems.add(name + " " + o.longestName() + ": description missing or not ending in a full stop: '" + text + "'");
                }
            }
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (String.join(" ", p.description()).isBlank()) {
                    problems.add(name + " " + p.paramLabel() + ": positional parameter without description");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void helpOfEveryCommandRendersWithoutPicocliWarnings() {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        StringWriter usage = new StringWriter();
        try {
            for (CommandLine cl : all(Main.commandLine())) {
                cl.usage(new PrintWriter(usage));
            }
        } finally {
            System.setErr(saved);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertEquals("", warnings, "picocli printed warnings while rendering help");
        assertTrue(usage.toString().contains("--step-pct=PCT"), "rendered the sensitivity help");
        assertTrue(usage.toString().contains("Perturbation as % of the parameter's value"), "a literal % renders as %");
    }

    @Test
    void theRigIsNamedTheSameWayInEveryCommandThatTakesOne() {
        List<String> problems = new ArrayList<>();
        for (CommandLine cl : all(Main.commandLine())) {
            CommandSpec spec = cl.getCommandSpec();
            for (OptionSpec o : spec.options()) {
                boolean aboutRig = o.longestName().matches("--rigs?");
                if (aboutRig && !o.hidden() && (!o.longestName().equals("--rig") || !o.paramLabel().equals("RIG"))) {
                    problems.add(spec.qualifiedName(" ") + " " + o.longestName() + " " + o.paramLabel());
                }
                if (o.longestName().equals("--delay") && !o.hidden()) {
                    problems.add(spec.qualifiedName(" ") + " --delay (one spelling: --delays)");
                }
            }
        }
        assertEquals(List.of(), problems);
    }
}
