package org.tileloop.cli;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tileloop.dashboard.Dashboard;
import org.tileloop.dashboard.DashboardOptions;
import org.tileloop.input.ShownPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serve a live web page of every daemon on the broker: hosts, rigs, and each run's losses, parameters and first spikes.",
                "Open the printed address in a browser; Ctrl-C ends it."})
final class DashboardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BrokerOptions broker;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port to serve on, 0 for any free port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}); any non-loopback address needs --token-file.")
    String bind;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding a secret of at least 16 characters that every data request must carry (Bearer token or ?token=).")
    Path tokenFile;

    @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs",
            description = "Run directories whose summary and plots the page links to (default ${DEFAULT-VALUE}).")
    Path runsDir;

    @Override
    public Integer call() throws Exception {
        DashboardOptions options = DashboardOptions.of(bind, port, tokenFile, runsDir, "--bind", "--port", "--token-file");
        Dashboard dashboard = Dashboard.start(options, broker.settings("monitor"), "tileloop-dashboard-" + UUID.randomUUID().toString().substring(0, 8),
                broker.host == null ? null : broker.host());
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            done.countDown();
        }, "dashboard-stop"));
        var out = spec.commandLine().getOut();
        out.println("dashboard: " + dashboard.url() + (tokenFile == null ? "" : "?token=<the token in " + ShownPath.of(tokenFile) + ">"));
        out.println("run files from " + ShownPath.of(runsDir) + "; Ctrl-C ends");
        out.flush();
        done.await();
        return 0;
    }
}
