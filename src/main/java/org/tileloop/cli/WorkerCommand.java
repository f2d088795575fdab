package org.tileloop.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.tileloop.fleet.FleetWorker;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.telemetry.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Offer ngspice slots to the fleet: measure chunks of simulated rigs for any requester (--fleet) on the broker.",
                "Fetches the rig files and netlists it lacks over the broker and checks their hashes. SIGTERM/Ctrl-C: running chunks",
                "finish, then it announces its death and exits."})
final class WorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    FleetBroker broker;

    @Option(names = "--capacity", defaultValue = "1", paramLabel = "N", description = "Slots, one ngspice process each, 1-256 (default ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--id", paramLabel = "ID", description = "Worker id in the topics, 1-63 of a-z 0-9 - (default: <host name>-<process id>).")
    String id;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Keep fetched rig files and netlists here (default: a temporary directory removed on exit).")
    Path cacheDir;

    @Option(names = "--verbose", description = "Print a line whenever a chunk starts and ends.")
    boolean verbose;

    @Option(names = "--exit-when-idle", paramLabel = "S",
            description = "Stop (exit 0) after S seconds without an open job, e.g. in a Slurm array or a Kubernetes Job (default: never).")
    Integer exitWhenIdleS;

    @Override
    public Integer call() throws Exception {
        if (capacity < 1 || capacity > 256) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--capacity: " + capacity + " is outside [1, 256]");
        }
        if (exitWhenIdleS != null && (exitWhenIdleS < 1 || exitWhenIdleS > 604_800)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--exit-when-idle: " + exitWhenIdleS + " is outside [1, 604800] s");
        }
        String workerId = id != null ? id : Topics.sanitizeHost(java.net.InetAddress.getLocalHost().getHostName()) + "-" + ProcessHandle.current().pid();
        Ngspice ngspice = Ngspice.locate();
        Path cache = cacheDir != null ? Files.createDirectories(cacheDir) : Files.createTempDirectory("tileloop-worker-");
        PrintWriter out = spec.commandLine().getOut();
        FleetWorker worker = new FleetWorker(broker.settings(), workerId, capacity, cache, ngspice, verbose ? out : null);
        CountDownLatch done = new CountDownLatch(1);
        Runnable stop = () -> {
            worker.close();
            if (cacheDir == null) {
                delete(cache);
            }
        };
        Thread hook = new Thread(() -> {
            stop.run();
            done.countDown();
        }, "worker-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean ready = worker.awaitReady(10_000);
        out.println("tileloop worker " + worker.id() + ": " + capacity + (capacity == 1 ? " slot" : " slots") + ", ngspice " + ngspice.version()
                + ", broker " + broker.settings().url() + (ready ? "" : " (not connected yet; retrying)"));
        out.flush();
        while (!done.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            if (exitWhenIdleS != null && worker.idleMs() > exitWhenIdleS * 1000L) {
                Runtime.getRuntime().removeShutdownHook(hook);
                stop.run();
                out.println("tileloop worker " + worker.id() + ": no open job for " + exitWhenIdleS + " s; stopped");
                out.flush();
                return 0;
            }
        }
        return 0;
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory: nothing to recover
        }
    }
}
