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

        @Option(names = "--json", description = "Print the daemon's reply as JSON.")
        boolean json;

        abstract ObjectNode command();

        abstract void print(JsonNode reply);

        @Override
        public Integer call() {
            ObjectNode reply = request();
            if (!reply.path("ok").asBoolean(false)) {
                spec.commandLine().getErr().println("error: the daemon refused: " + reply.path("error").asText("(no reason given)"));
                return Main.EXIT_CONFIG;
            }
            if (json) {
                ObjectNode shown = reply.deepCopy();
                shown.remove("ok");
                try {
                    spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(shown));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                print(reply);
            }
            spec.commandLine().getOut().flush();
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
                    job.path("state").asText(), job.has("run_dir") ? shown(job.get("run_dir").asText()) : job.path("reason").asText());
        }

        /** A run directory of a daemon on this machine, relative to here when it is under here. */
        static String shown(String runDir) {
            try {
                return org.tileloop.input.ShownPath.of(java.nio.file.Path.of(runDir)).toString();
            } catch (java.nio.file.InvalidPathException e) {
                return org.tileloop.input.StrictInput.printable(runDir);
            }
        }
    }

    /** What a submitted job does. */
    enum Kind { train, calibrate, measure }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = "Queue a job on a daemon's rig.")
    static final class Submit extends Request {
        @Option(names = "--rig", paramLabel = "RIG", description = "The daemon's rig: its id (e.g. sim-tile4) or its rig file.")
        String rig;

        @Parameters(arity = "0..1", paramLabel = "RIG", description = "Deprecated: the rig as a positional argument; use --rig.")
        String positionalRig;

        @Option(names = "--kind", defaultValue = "train", paramLabel = "KIND",
                description = "Job kind: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
        Kind kind;

        @Option(names = "--iterations", paramLabel = "N", description = "train: override the config's iterations.")
        Integer iterations;

        @Option(names = "--seed", paramLabel = "S", description = "train: override the config's seed.")
        Long seed;

        @Option(names = "--config", paramLabel = "CONFIG",
                description = "train: training config, a name under rigs/training/ on the daemon's host (or such a file).")
        String config;

        @Option(names = "--allow-uncalibrated", description = "train: allow a bench rig without a valid calibration (times stay raw).")
        boolean allowUncalibrated;

        @Option(names = "--delays", split = ",", paramLabel = "NS", description = "measure: input delays in ns, comma-separated.")
        List<Double> delays;

        @Option(names = "--set", paramLabel = "NAME=VALUE", description = "measure: parameter override in the parameter's unit. Repeatable.")
        Map<String, Double> set;

        @Option(names = "--owner", paramLabel = "NAME", description = "Your lease's owner name, for a bench rig you lease (tileloop lease).")
        String owner;

        @Override
        ObjectNode command() {
            if (positionalRig != null) {
                if (rig != null) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give the rig once, as --rig RIG");
                }
                OldSpelling.warn(spec, "the positional RIG", "--rig " + positionalRig);
                rig = positionalRig;
            }
            if (rig == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing --rig RIG (the daemon's rig id, e.g. sim-tile4)");
            }
            rig = RigArgument.id(rig);
            ObjectNode c = Json.MAPPER.createObjectNode();
            c.put("command", "submit");
            c.put("rig", rig);
            c.put("kind", kind.name());
            if (iterations != null) {
                c.put("iterations", iterations);
            }
            if (seed != null) {
                c.put("seed", seed);
            }
            if (config != null) {
                c.put("config", org.tileloop.rig.file.RigLocator.standard().trainingConfigName(config, "--config"));
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
            if (owner != null) {
                c.put("owner", owner);
            }
            return c;
        }

        @Override
        void print(JsonNode reply) {
            spec.commandLine().getOut().println("queued " + reply.path("job").path("id").asText() + " on " + rig);
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true, description = "List a daemon's jobs and their states (jobs show JOB gives one job's results).",
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
                out.println("run directory: " + shown(j.get("run_dir").asText()));
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
