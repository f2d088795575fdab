package org.tileloop.rig.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.tileloop.input.ShownPath;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigConfigurationException;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.RigKind;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.spice.NetlistTemplate;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.OperatingPoint;
import org.tileloop.rig.spice.SpiceSettings;

/**
 * Every check a simulated rig file can be given before it is trained, each reported as one
 * {@link Line}: the rig file (schema and rules), its template (safety rules, every parameter
 * used), the DC operating point at the defaults (no channel may rest above its threshold), one
 * stimulus per input (and all inputs together) at the defaults, and whether every channel spikes
 * in at least one of them. Runs ngspice; not thread-safe per call, but calls are independent.
 */
public final class RigCheck {

    public enum Status { PASS, FAIL }

    /** One check's result; {@code detail} is one line of text. */
    public record Line(Status status, String check, String detail) {
    }

    /** What the report as a whole says: every check passed, the input was refused, or the rig misbehaves. */
    public enum Outcome { PASSED, BAD_INPUT, FAILED }

    private final Consumer<Line> report;
    private boolean failed;

    private RigCheck(Consumer<Line> report) {
        this.report = report;
    }

    /**
     * Runs the checks on {@code rigFile}, handing each line to {@code report} as soon as it is known.
     *
     * @throws org.tileloop.rig.RigUnavailableException ngspice cannot be found or started
     */
    public static Outcome run(Path rigFile, Consumer<Line> report) {
        return new RigCheck(report).run(rigFile);
    }

    private Outcome run(Path path) {
        RigFile file;
        try {
            file = RigFileLoader.load(path);
        } catch (NetlistTemplate.Refused e) {
            line(Status.PASS, "rig file", ShownPath.of(path) + ": schema and rules");
            line(Status.FAIL, "template", e.getMessage());
            return Outcome.BAD_INPUT;
        } catch (RigConfigurationException e) {
            line(Status.FAIL, "rig file", e.getMessage());
            return Outcome.BAD_INPUT;
        }
        RigDescription rig = file.description();
        line(Status.PASS, "rig file", ShownPath.of(path) + ": schema and rules (" + rig.parameters().size() + " parameters, "
                + rig.channels().size() + " channels, " + rig.inputs().size() + " inputs)");
        if (rig.kind() != RigKind.SIMULATED) {
            line(Status.FAIL, "template", "rig " + rig.id() + " is " + rig.kind().name().toLowerCase(Locale.ROOT)
                    + "; rig check simulates netlist templates (simulated rigs only)");
            return Outcome.BAD_INPUT;
        }
        SpiceSettings sim = file.simulator().orElseThrow();
        checkTemplate(rig, sim);
        Ngspice ngspice = Ngspice.locate();
        ParameterVector defaults = rig.defaults();
        checkOperatingPoint(rig, sim, defaults, ngspice);
        checkStimuli(file, rig, sim, defaults);
        return failed ? Outcome.FAILED : Outcome.PASSED;
    }

    private void line(Status status, String check, String detail) {
        failed |= status == Status.FAIL;
        report.accept(new Line(status, check, detail));
    }

    private void checkTemplate(RigDescription rig, SpiceSettings sim) {
        Set<String> used = NetlistTemplate.load(sim.netlistTemplate(), rig, sim).parameterNames();
        Set<String> amplitudes = new LinkedHashSet<>();
        rig.inputs().forEach(i -> amplitudes.add(i.amplitudeParameter()));
        List<String> unused = rig.parameters().stream().map(ParameterSpec::name)
                .filter(n -> !used.contains(n) && !amplitudes.contains(n)).toList();
        String shown = ShownPath.of(sim.netlistTemplate()).toString();
        if (!unused.isEmpty()) {
            line(Status.FAIL, "template", shown + ": parameter" + (unused.size() > 1 ? "s " : " ") + String.join(", ", unused)
                    + " declared but never used in the template or as an input amplitude (training " + (unused.size() > 1 ? "them" : "it")
                    + " would change nothing)");
            return;
        }
        line(Status.PASS, "template", shown + ": only allowed constructs; uses " + String.join(", ", used)
                + (amplitudes.isEmpty() ? "" : "; input amplitudes " + String.join(", ", amplitudes)));
    }

    private void checkOperatingPoint(RigDescription rig, SpiceSettings sim, ParameterVector defaults, Ngspice ngspice) {
        OperatingPoint op;
        try {
            op = OperatingPoint.solve(rig, sim, defaults, ngspice);
        } catch (MeasurementException e) {
            line(Status.FAIL, "operating point", "no DC operating point at the defaults: " + e.getMessage());
            return;
        }
        List<String> rest = new ArrayList<>();
        List<String> high = new ArrayList<>();
        for (ChannelSpec c : rig.channels()) {
            double v = op.voltage(c.node());
            rest.add(c.name() + " " + volts(v));
            if (v >= c.thresholdV()) {
                high.add(c.name() + " rests at " + volts(v) + ", at or above its threshold_v " + volts(c.thresholdV())
                        + " (it would never count a spike)");
            } else if (v >= c.thresholdV() - c.hysteresisV()) {
                high.add(c.name() + " rests at " + volts(v) + ", not below threshold_v - hysteresis_v = "
                        + volts(c.thresholdV() - c.hysteresisV()) + " (it would count only its first spike)");
            }
        }
        String supply = "v(" + sim.supplyNode() + ") = " + volts(op.voltage(sim.supplyNode())) + ", supply "
                + watts(op.supplyPowerW(sim.supplyNode())) + " at rest";
        if (!high.isEmpty()) {
            line(Status.FAIL, "operating point", String.join("; ", high));
        } else {
            line(Status.PASS, "operating point", supply + "; channels at rest: " + String.join(", ", rest));
        }
    }

    private void checkStimuli(RigFile file, RigDescription rig, SpiceSettings sim, ParameterVector defaults) {
        double delayNs = Math.round(sim.tstopNs() / 6 * 100) / 100.0;
        Map<String, Stimulus> stimuli = new LinkedHashMap<>();
        for (InputSpec in : rig.inputs()) {
            stimuli.put(in.name(), new Stimulus(Map.of(in.name(), delayNs)));
        }
        if (rig.inputs().size() > 1) {
            Map<String, Double> all = new LinkedHashMap<>();
            rig.inputs().forEach(i -> all.put(i.name(), delayNs));
            stimuli.put("all inputs", new Stimulus(all));
        }
        Map<String, String> firstFiredBy = new LinkedHashMap<>();
        boolean measured = false;
        try (Rig tile = Rigs.open(file)) {
            for (Map.Entry<String, Stimulus> s : stimuli.entrySet()) {
                StimulusResult r;
                try {
                    r = tile.measure(defaults, List.of(s.getValue())).get(0);
                } catch (MeasurementException e) {
                    line(Status.FAIL, "stimulus", s.getKey() + " at " + Numbers.plain(delayNs) + " ns: " + e.getMessage());
                    continue;
                }
                measured = true;
                List<String> spikes = new ArrayList<>();
                for (ChannelResult c : r.channels()) {
                    c.firstSpike().ifPresent(t -> firstFiredBy.putIfAbsent(c.name(), s.getKey()));
                    spikes.add(c.name() + " " + c.firstSpike().map(t -> String.format(Locale.ROOT, "%.3f ns", t.calibratedNs())).orElse("-")
                            + (c.spikeCount().isPresent() ? " (" + c.spikeCount().getAsInt() + ")" : ""));
                }
                boolean none = r.channels().stream().noneMatch(c -> c.firstSpike().isPresent());
                line(Status.PASS, "stimulus", s.getKey() + " at " + Numbers.plain(delayNs) + " ns: " + String.join(", ", spikes)
                        + (none ? " (no channel spikes)" : ""));
            }
        }
        if (!measured) {
            return;
        }
        List<String> silent = rig.channels().stream().map(ChannelSpec::name).filter(n -> !firstFiredBy.containsKey(n)).toList();
        if (silent.isEmpty()) {
            line(Status.PASS, "channels", "every channel spikes: " + String.join(", ",
                    firstFiredBy.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList()));
        } else {
            line(Status.FAIL, "channels", String.join(", ", silent) + (silent.size() > 1 ? " never spike" : " never spikes")
                    + " in these stimuli at the defaults: check the node, threshold_v and the defaults");
        }
    }

    private static String watts(double w) {
        String[] units = {"W", "mW", "uW", "nW", "pW"};
        int k = 0;
        while (k < units.length - 1 && Math.abs(w) < 1 && w != 0) {
            w *= 1000;
            k++;
        }
        return Numbers.sig(w) + " " + units[k];
    }

    private static String volts(double v) {
        return String.format(Locale.ROOT, "%.3f V", v);
    }
}
