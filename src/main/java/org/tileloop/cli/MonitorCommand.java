package org.tileloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Watch daemons live: hosts online or offline, and each rig's state, job, iteration, losses and first spikes.",
                "Ctrl-C ends it."})
final class MonitorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BrokerOptions broker;

    @Option(names = "--rig", paramLabel = "RIG", description = "Only this rig: its id, or its rig file.")
    String rig;

    @Option(names = "--all-hosts", description = "Every daemon on the broker, not only --host.")
    boolean allHosts;

    private record Row(String state, String job, String iteration, String losses, String spikes) {
    }

    private record Host(String status, String since, String session) {
    }

    private final Map<String, Row> rows = new TreeMap<>();
    private final Map<String, Host> hosts = new TreeMap<>();

    @Override
    public Integer call() throws Exception {
        if (rig != null) {
            rig = RigArgument.id(rig);
        }
        String filter = Topics.everything(allHosts ? null : broker.host());
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = System.console() != null;
        try (Telemetry.Subscription s = Telemetry.subscribe(broker.settings("monitor"), "tileloop-monitor-" + UUID.randomUUID().toString().substring(0, 8),
                filter, false, (topic, payload) -> update(topic, payload, out, terminal))) {
            out.println("watching " + filter + " (Ctrl-C ends)");
            out.flush();
            Thread.currentThread().join();
        }
        return 0;
    }

    private synchronized void update(String topic, byte[] payload, PrintWriter out, boolean terminal) {
        Topics.Address a = Topics.parse(topic).orElse(null);
        if (a == null) {
            return;
        }
        JsonNode p;
        try {
            p = org.tileloop.input.StrictInput.json(payload, 1 << 20, topic);
        } catch (org.tileloop.input.BadInputException e) {
            out.println("ignored: " + e.getMessage());
            out.flush();
            return;
        }
        if (a.rig().isEmpty()) {
            if (!hostEvent(a, p)) {
                return;
            }
            if (!terminal) {
                Host h = hosts.get(a.host());
                out.printf("%s %s %s since %s%n", a.host(), a.leaf(), h.status(), h.since());
                out.flush();
                return;
            }
            draw(out);
            return;
        }
        if (rig != null && !rig.equals(a.rig().get())) {
            return;
        }
        String key = a.host() + "/" + a.rig().get();
        Row r = rows.getOrDefault(key, new Row("?", "-", "-", "-", "-"));
        switch (a.leaf()) {
            case Topics.STATE -> r = new Row(p.path("state").asText(), p.path("job").asText("-"), r.iteration(), r.losses(), r.spikes());
            case Topics.ITERATION -> r = new Row(r.state(), p.path("job").asText(), p.path("iteration").asInt() + "/" + p.path("iterations").asInt(),
                    org.tileloop.rig.Numbers.sig(p.path("loss_train_ns2").asDouble()) + " / "
                            + (p.path("loss_holdout_ns2").isNull() ? "-" : org.tileloop.rig.Numbers.sig(p.path("loss_holdout_ns2").asDouble())),
                    r.spikes());
            case Topics.TIMING -> {
                StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "@%.2f:", p.path("delay_ns").asDouble()));
                p.path("channels").forEach(c -> s.append(c.path("first_spike_ns").isNull() ? " -"
                        : String.format(Locale.ROOT, " %.3f", c.path("first_spike_ns").asDouble())));
                r = new Row(r.state(), r.job(), r.iteration(), r.losses(), s.toString());
            }
            case Topics.RUN -> {
                if (!terminal) {
                    out.printf("%s run %s %s %s%n", key, p.path("event").asText(), p.path("run_id").asText(), p.path("status").asText(""));
                }
            }
            default -> {
                return;
            }
        }
        rows.put(key, r);
        if (terminal) {
            draw(out);
        } else if (!a.leaf().equals(Topics.TIMING) && !a.leaf().equals(Topics.RUN)) {
            out.printf("%s %s %s job %s iter %s loss %s%n", key, a.leaf(), r.state(), r.job(), r.iteration(), r.losses());
        }
        out.flush();
    }

    /**
     * A host's birth, death or status: true when it changed what is shown. Other host topics
     * (commands, replies) are not telemetry and are ignored.
     */
    private boolean hostEvent(Topics.Address a, JsonNode p) {
        String time = seconds(p.path("time").asText(java.time.Instant.now().toString()));
        Host was = hosts.get(a.host());
        Host now;
        switch (a.leaf()) {
            case Topics.STATUS -> now = new Host(p.path("status").asText("?"), time, p.path("session").asText(""));
            case Topics.BIRTH -> now = was != null && was.status().equals("online") && was.session().equals(p.path("session").asText())
                    ? was : new Host("online", time, p.path("session").asText(""));
            case Topics.DEATH -> now = new Host("offline", time, p.path("session").asText(""));
            default -> {
                return false;
            }
        }
        hosts.put(a.host(), now);
        return !now.equals(was);
    }

    private static String seconds(String isoTime) {
        try {
            return java.time.Instant.parse(isoTime).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return org.tileloop.input.StrictInput.printable(isoTime);
        }
    }

    private void draw(PrintWriter out) {
        out.print("\033[H\033[2J");
        out.printf("%-28s %-8s %s%n", "host", "status", "since");
        hosts.forEach((h, v) -> out.printf("%-28s %-8s %s%n", h, v.status(), v.since()));
        out.println();
        out.printf("%-28s %-9s %-6s %-9s %-24s %s%n", "host/rig", "state", "job", "iter", "loss (ns²) train / holdout", "last first spikes (ns)");
        rows.forEach((k, v) -> {
            Host h = hosts.get(k.substring(0, k.indexOf('/')));
            String state = h != null && h.status().equals("offline") ? "offline" : v.state();
            out.printf("%-28s %-9s %-6s %-9s %-24s %s%n", k, state, v.job(), v.iteration(), v.losses(), v.spikes());
        });
        out.flush();
    }
}
