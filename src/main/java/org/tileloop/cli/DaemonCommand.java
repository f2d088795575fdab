package org.tileloop.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tileloop.daemon.Daemon;
import org.tileloop.daemon.DaemonConfig;
import org.tileloop.run.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Own the rigs, run submitted jobs (one per rig at a time) and publish telemetry over MQTT.",
                "Without a configured broker it starts mosquitto on 127.0.0.1 (1883 when free). SIGTERM/Ctrl-C:",
                "running jobs finish their iteration and record their manifests, then the daemon exits."})
final class DaemonCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--daemon-config", paramLabel = "FILE",
            description = "Daemon config (tileloop init-config daemon writes one); default: all rigs/*.yaml, a local broker.")
    Path config;

    @Option(names = "--config", hidden = true, paramLabel = "FILE", description = "Deprecated spelling of --daemon-config.")
    Path oldConfig;

    @Override
    public Integer call() throws Exception {
        if (oldConfig != null) {
            OldSpelling.use(spec, "daemon --config", "--daemon-config");
            config = oldConfig;
        }
        Path home = Path.of(System.getProperty("tileloop.home", ".")).toAbsolutePath().normalize();
        DaemonConfig cfg = config == null ? new DaemonConfig() : DaemonConfig.load(config);
        Path base = config == null ? home : config.toAbsolutePath().getParent();
        Daemon daemon;
        try {
            daemon = new Daemon(cfg, base, home, new TrainingRun.Build(Main.version(), Main.gitCommit()));
        } catch (org.tileloop.rig.RigConfigurationException e) {
            String where = config == null ? "daemon defaults" : config.toString();
            throw new org.tileloop.rig.RigConfigurationException(e.getMessage().startsWith("daemon config: ")
                    ? where + ": " + e.getMessage().substring("daemon config: ".length()) : e.getMessage(), e);
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            done.countDown();
        }, "daemon-stop"));
        var out = spec.commandLine().getOut();
        out.println("tileloop daemon: host " + daemon.host() + ", broker " + daemon.broker().url());
        daemon.dashboardUrl().ifPresent(url -> out.println("dashboard: " + url));
        daemon.localBrokerPort().ifPresent(port -> out.println("watch: mosquitto_sub -h 127.0.0.1 -p " + port + " -v -t 'tileloop/#'"));
        out.println("submit: tileloop submit --rig <rig id>   (jobs, cancel, pause, resume, monitor)");
        out.flush();
        done.await();
        return 0;
    }
}
