package org.tileloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tileloop.telemetry.Telemetry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Commands that talk to a running daemon over MQTT (request/response). Exit 0 when the daemon accepted. */
final class ClientCommands {

    private ClientCommands() {
    }

    abstract static class Request implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOptions broker;

        @Option(names = "--timeout", defaultValue = "15", paramLabel = "S", description = "Seconds to wait for the reply (default ${DEFAULT-VALUE}).")
        int timeoutS;

        abstract ObjectNode command();

        abstract void print(JsonNode reply);

        @Override
        public Integer call() {
            ObjectNode reply = request();
            if (!reply.path("ok").asBoolean(false)) {
                spec.commandLine().getErr().println("refused: " + reply.path("error").asText("(no reason given)"));
                return Main.EXIT_CONFIG;
            }
            print(reply);
            return 0;
        }

        /**
         * Sends the command. Talking to the local daemon (no --broker / --host), a daemon that is
         * still starting is waited for, within --timeout: its broker.json may not exist yet, or
         * may still be the previous daemon's.
         */
        private ObjectNode request() {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(timeoutS);
            String requestId = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            while (true) {
                int left = (int) Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
                try {
                    return Telemetry.request(broker.settings("operator"), broker.host(), command(), left, requestId);
                } catch (org.tileloop.rig.RigConfigurationException | org.tileloop.rig.RigUnavailableException e) {
                    if (!broker.usesLocalDaemon() || System.nanoTime() > deadline - java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300)) {
                        throw e;
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        static String line(JsonNode job) {
            return String.format("%-6s %-16s %-10s %-10s %s", job.path("id").asText(), job.path("rig").asText(), job.path("kind").asText(),
                    job.path("state").asText(), job.path("run_dir").asText(job.path("reason").asText()));
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = "Queue a job on a daemon's rig.")
    static final class Submit extends Request {
        @Parameters(paramLabel = "RIG", description = "Rig id, e.g. sim-tile4.")
        String rig;

        @Option(names = "--kind", defaultValue = "train", description = "train, calibrate or measure (default ${DEFAULT-VALUE}).")
        String kind;

        @Option(names = "--iterations") Integer iterations;

        @Option(names = "--seed") Long seed;

        @Option(names = "--config", paramLabel = "NAME", description = "Training config name under rigs/training/.")
        String config;

        @Option(names = "--allow-uncalibrated") boolean allowUncalibrated;

        @Option(names = "--delays", split = ",", paramLabel = "NS", description = "measure: input delays.")
        List<Double> delays;

        @Option(names = "--set", paramLabel = "NAME=VALUE", description = "measure: parameter override.")
        Map<String, Double> set;

        @Override
        ObjectNode command() {
            ObjectNode c = Json.MAPPER.createObjectNode();
            c.put("command", "submit");
            c.put("rig", rig);
            c.put("kind", kind);
            if (iterations != null) {
                c.put("iterations", iterations);
            }
            if (seed != null) {
                c.put("seed", seed);
            }
            if (config != null) {
                c.put("config", config);
            }
            if (allowUncalibrated) {
                c.put("allow_uncalibrated", true);
            }
            if (delays != null) {
                c.set("delays_ns", Json.MAPPER.valueToTree(delays));
            }
            if (set != null) {
                c.set("set", Json.MAPPER.valueToTree(set));
            }
            return c;
        }

        @Override
        void print(JsonNode reply) {
            spec.commandLine().getOut().println("queued " + reply.path("job").path("id").asText() + " on " + rig);
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true, description = "A daemon's jobs and their states; jobs show JOB for one job's results.",
            subcommands = ClientCommands.Show.class)
    static final class Jobs extends Request {
        @Override
        ObjectNode command() {
            return Json.MAPPER.createObjectNode().put("command", "jobs");
        }

        @Override
        void print(JsonNode reply) {
            var out = spec.commandLine().getOut();
            out.println(String.format("%-6s %-16s %-10s %-10s %s", "job", "rig", "kind", "state", "run / reason"));
            reply.path("jobs").forEach(j -> out.println(line(j)));
        }
    }

    abstract static class Control extends Request {
        @Parameters(paramLabel = "JOB", description = "Job id, as in tileloop jobs.")
        String job;

        abstract String verb();

        @Override
        ObjectNode command() {
            return Json.MAPPER.createObjectNode().put("command", verb()).put("job", job);
        }

        @Override
        void print(JsonNode reply) {
            spec.commandLine().getOut().println(line(reply.path("job")));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One job: its state, reason, run directory and result.")
    static final class Show extends Control {
        @Override
        String verb() {
            return "show";
        }

        @Override
        void print(JsonNode reply) {
            JsonNode j = reply.path("job");
            var out = spec.commandLine().getOut();
            out.println(line(j));
            out.println("reason: " + j.path("reason").asText());
            if (j.has("run_dir")) {
                out.println("run directory: " + j.get("run_dir").asText());
            }
            if (j.has("result")) {
                try {
                    out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(j.get("result")));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    out.println(j.get("result"));
                }
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a queued job, or stop a running one at its next iteration.")
    static final class Cancel extends Control {
        @Override
        String verb() {
            return "cancel";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a running training at its next iteration (resumable).")
    static final class Pause extends Control {
        @Override
        String verb() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused training as a new job.")
    static final class Resume extends Control {
        @Override
        String verb() {
            return "resume";
        }
    }
}
