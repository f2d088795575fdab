package org.tileloop.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tileloop.telemetry.Telemetry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "lease", mixinStandardHelpOptions = true,
        description = {"Hold a daemon's bench rig for yourself: take its lease and renew it until Ctrl-C, then release it.",
                "While you hold it only jobs submitted with your --owner run on it; if you stop renewing, it ends after --ttl."})
final class LeaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BrokerOptions broker;

    @Option(names = "--rig", required = true, paramLabel = "RIG", description = "The daemon's bench rig: its id or its rig file.")
    String rig;

    @Option(names = "--owner", paramLabel = "NAME", description = "Owner name, 1-64 of A-Z a-z 0-9 _ . @ - (default: <user>@<host>).")
    String owner;

    @Option(names = "--ttl", defaultValue = "30", paramLabel = "S", description = "Seconds the lease lasts without renewal, 5-3600 (default ${DEFAULT-VALUE}).")
    int ttlS;

    @Option(names = "--once", description = "Take or renew the lease once and exit (scripts renew it themselves).")
    boolean once;

    @Override
    public Integer call() throws Exception {
        String who = owner != null ? owner
                : (System.getProperty("user.name", "user") + "@" + java.net.InetAddress.getLocalHost().getHostName()).replaceAll("[^A-Za-z0-9_.@-]", "-");
        who = who.substring(0, Math.min(64, who.length()));
        String id = RigArgument.id(rig);
        PrintWriter out = spec.commandLine().getOut();
        try (Telemetry.RequestClient client = Telemetry.requestClient(broker.settings("operator"), broker.host(), 15)) {
            ObjectNode lease = Json.MAPPER.createObjectNode().put("command", "lease").put("rig", id).put("owner", who).put("ttl_s", ttlS);
            ObjectNode reply = client.request(lease, 15);
            if (!reply.path("ok").asBoolean(false)) {
                spec.commandLine().getErr().println("error: the daemon refused: " + reply.path("error").asText("(no reason given)"));
                return Main.EXIT_CONFIG;
            }
            out.println("leased " + id + " to " + who + " until " + reply.path("lease").path("expires").asText()
                    + (once ? "" : "; renewing every " + Math.max(1, ttlS / 3) + " s until Ctrl-C") + "; submit with --owner " + who);
            out.flush();
            if (once) {
                return 0;
            }
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch released = new CountDownLatch(1);
            String holder = who;
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    released.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "lease-release");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                while (!stop.await(Math.max(1, ttlS / 3), TimeUnit.SECONDS)) {
                    reply = client.request(lease, 15);
                    if (!reply.path("ok").asBoolean(false)) {
                        spec.commandLine().getErr().println("error: renewing the lease failed: " + reply.path("error").asText());
                        return Main.EXIT_CONFIG;
                    }
                }
                client.request(Json.MAPPER.createObjectNode().put("command", "release").put("rig", id).put("owner", holder), 15);
                out.println("released " + id);
                out.flush();
                return 0;
            } finally {
                released.countDown();
            }
        }
    }
}
