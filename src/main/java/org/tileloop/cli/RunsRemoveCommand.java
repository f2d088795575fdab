package org.tileloop.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.run.RunCatalog;
import org.tileloop.run.RunStatus;
import org.tileloop.run.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"Remove runs and their files after asking for confirmation.",
                "A run that a live process holds is refused (nothing is removed); runs/latest moves to the newest remaining run"
                        + " when it named a removed one; runs/index.jsonl gets a removed line per run."})
final class RunsRemoveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunsCommand.RunsDir runs;

    @Parameters(arity = "1..*", paramLabel = "ID", description = "Runs to remove: an id, a unique prefix of it, latest, or a directory.")
    List<String> ids;

    @Option(names = "--yes", description = "Remove without asking.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        RunCatalog catalog = runs.catalog();
        List<RunSummary> chosen = new ArrayList<>();
        for (String id : ids) {
            RunSummary r = catalog.find(id);
            if (r.status() == RunStatus.RUNNING) {
                throw new RigConfigurationException(RunsCommand.display(r.dir()) + ": run " + r.runId()
                        + " is running in a live process; stop it first; nothing was removed");
            }
            if (chosen.stream().noneMatch(c -> c.runId().equals(r.runId()))) {
                chosen.add(r);
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = chosen.stream().map(RunSummary::runId).toList();
        if (!yes) {
            err.print("remove " + chosen.size() + " run(s) from " + RunsCommand.display(runs.dir) + " (" + String.join(", ", names)
                    + ")? [y/N] ");
            err.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (answer == null || System.console() == null) {
                err.println();
            }
            if (answer == null || !List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT))) {
                err.println("nothing removed");
                err.flush();
                return 0;
            }
        }
        catalog.remove(chosen);
        names.forEach(n -> out.println("removed " + n));
        out.flush();
        return 0;
    }
}
