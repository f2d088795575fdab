package org.tileloop.rig.spice;

import java.util.Locale;
import java.util.OptionalDouble;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.InputSpec;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterSpec;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.Stimulus;

/**
 * Turns a validated parameter vector and stimulus into a complete ngspice netlist. Every value
 * written here is a double formatted by this class; names come from the validated rig file.
 * The result runs as it is with {@code ngspice -b} and prints each channel's first spike
 * through {@code .meas}.
 */
public final class NetlistRenderer {

    private final RigDescription rig;
    private final SpiceSettings settings;
    private final NetlistTemplate template;
    private final boolean shiftTime;

    public NetlistRenderer(RigDescription rig, SpiceSettings settings, NetlistTemplate template) {
        this(rig, settings, template, true);
    }

    private NetlistRenderer(RigDescription rig, SpiceSettings settings, NetlistTemplate template, boolean shiftTime) {
        this.rig = rig;
        this.settings = settings;
        this.template = template;
        this.shiftTime = shiftTime;
    }

    /** The same renderer simulating from time 0 (what a naive rig does; for the benchmark). */
    public NetlistRenderer withoutTimeShift() {
        return new NetlistRenderer(rig, settings, template, false);
    }

    /** A renderer for the rig file's own template, checked on load. */
    public static NetlistRenderer of(RigDescription rig, SpiceSettings settings) {
        return new NetlistRenderer(rig, settings, NetlistTemplate.load(settings.netlistTemplate(), rig, settings));
    }

    /** Simulated time before the earliest input (the tile rests at its DC operating point until then). */
    public static final double LEAD_NS = 0.05;

    /**
     * How far the netlist's time axis is shifted: the tile is time-invariant and at rest until its
     * first input, so the quiet stretch before {@code earliest delay − LEAD_NS} is not simulated.
     * Stimulus time = ngspice time + shift; the window still ends at {@code tstop_ns} stimulus time.
     */
    public double shiftNs(Stimulus stimulus) {
        return shiftTime ? Math.max(0, earliestInputNs(stimulus) - LEAD_NS) : 0;
    }

    private static double earliestInputNs(Stimulus stimulus) {
        return stimulus.inputDelaysNs().values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    /**
     * Where a probe's window ends, stimulus time (ns): {@code tstop_ns}, or its stop time when that
     * is earlier, but never before the first input.
     */
    public double windowEndNs(Stimulus stimulus, OptionalDouble stopNs) {
        return stopNs.isPresent() ? Math.min(settings.tstopNs(), Math.max(stopNs.getAsDouble(), earliestInputNs(stimulus))) : settings.tstopNs();
    }

    /**
     * The commands that run this probe's transient on a worker: to the end of its {@code .tran}, or
     * with {@code stopAfterFirstSpikes} until every channel has fired ({@link FirstSpikeStop}).
     */
    public String runCommands(Stimulus stimulus, boolean stopAfterFirstSpikes, OptionalDouble stopNs) {
        if (!stopAfterFirstSpikes || settings.firstSpikeEnd() == SpiceSettings.FirstSpikeEnd.AUTOSTOP) {
            return FirstSpikeStop.WHOLE_WINDOW;
        }
        return FirstSpikeStop.commands(rig.channels(), (windowEndNs(stimulus, stopNs) - shiftNs(stimulus)) * 1e-9);
    }

    /** Renders a full-window netlist; the caller has validated {@code parameters} and {@code stimulus}. */
    public String render(ParameterVector parameters, Stimulus stimulus) {
        return render(parameters, stimulus, false);
    }

    /** Renders a netlist over the whole window; see {@link #render(ParameterVector, Stimulus, boolean, OptionalDouble)}. */
    public String render(ParameterVector parameters, Stimulus stimulus, boolean stopAfterFirstSpikes) {
        return render(parameters, stimulus, stopAfterFirstSpikes, OptionalDouble.empty());
    }

    /**
     * @param stopAfterFirstSpikes the rig ends the transient once every channel has fired
     *                             ({@link #runCommands}; no energy measurement; {@code ngspice -b}
     *                             runs such a netlist to its window end, with the same first spikes)
     * @param stopNs               with {@code stopAfterFirstSpikes}: end the transient there at the
     *                             latest (see {@link #windowEndNs})
     */
    public String render(ParameterVector parameters, Stimulus stimulus, boolean stopAfterFirstSpikes, OptionalDouble stopNs) {
        if (stopNs.isPresent() && !stopAfterFirstSpikes) {
            throw new IllegalArgumentException("a stop time needs the first-spikes window");
        }
        StringBuilder out = new StringBuilder(template.body().length() + 2048);
        out.append("* tileloop netlist: rig ").append(rig.id()).append(", stimulus");
        stimulus.inputDelaysNs().forEach((input, delay) -> out.append(' ').append(input).append('=')
                .append(Numbers.plain(delay)).append("ns"));
        out.append('\n');
        out.append("* template ").append(template.path().getFileName()).append("; run with: ngspice -b <this file>\n");
        double shift = shiftNs(stimulus);
        if (shift > 0) {
            out.append("* time axis shifted: stimulus time = ngspice time + ").append(Numbers.plain(shift))
                    .append(" ns (the tile rests until its first input)\n");
        }
        for (ParameterSpec p : rig.parameters()) {
            out.append(".param ").append(p.name()).append('=').append(num(parameters.get(p.name()))).append('\n');
        }
        out.append('\n').append(template.body()).append('\n');
        out.append("* stimulus\n");
        for (InputSpec in : rig.inputs()) {
            Double delay = stimulus.inputDelaysNs().get(in.name());
            out.append(in.source()).append(' ').append(in.node()).append(" 0 ");
            if (delay == null) {
                out.append("DC 0\n");
            } else {
                out.append("PULSE(0 ").append(num(parameters.get(in.amplitudeParameter()))).append(' ')
                        .append(num((delay - shift) * 1e-9)).append(' ').append(num(in.riseNs() * 1e-9)).append(' ')
                        .append(num(in.riseNs() * 1e-9)).append(' ').append(num(in.widthNs() * 1e-9))
                        .append(" 1)\n");
            }
        }
        String step = num(settings.step().maxStepPs() * 1e-12);
        double endNs = windowEndNs(stimulus, stopNs);
        if (endNs < settings.tstopNs()) {
            out.append("* window ends at the predicted stop, ").append(Numbers.plain(endNs)).append(" ns stimulus time\n");
        }
        out.append("\n.tran ").append(step).append(' ').append(num((endNs - shift) * 1e-9)).append(" 0 ")
                .append(step).append('\n');
        out.append(settings.step().optionsLine()).append('\n');
        out.append(".save");
        for (ChannelSpec c : rig.channels()) {
            out.append(" v(").append(c.node()).append(')');
        }
        out.append(" v(").append(settings.supplyNode()).append(") i(").append(settings.supplySource()).append(")\n");
        for (ChannelSpec c : rig.channels()) {
            out.append(".meas tran first_").append(c.name()).append(" WHEN v(").append(c.node()).append(")=")
                    .append(num(c.thresholdV())).append(" RISE=1\n");
        }
        if (stopAfterFirstSpikes) {
            out.append(settings.firstSpikeEnd() == SpiceSettings.FirstSpikeEnd.AUTOSTOP
                    ? "* stop once every channel has fired (first spikes only)\n.options autostop\n"
                    : "* first spikes only: tileloop ends this transient once every channel has fired\n");
        } else {
            out.append("* supply energy = -V(").append(settings.supplyNode()).append(") * supply_charge_c\n");
            out.append(".meas tran supply_charge_c INTEG i(").append(settings.supplySource()).append(")\n");
        }
        out.append(".end\n");
        String netlist = out.toString();
        NetlistGuard.checkRendered(netlist);
        return netlist;
    }

    /**
     * The DC operating point at {@code parameters} with every input idle (0 V): the state the tile
     * rests in before a stimulus. Saves the channel, input and supply nodes and the supply current.
     */
    public String renderOperatingPoint(ParameterVector parameters) {
        StringBuilder out = new StringBuilder(template.body().length() + 1024);
        out.append("* tileloop netlist: rig ").append(rig.id()).append(", DC operating point, inputs idle\n");
        for (ParameterSpec p : rig.parameters()) {
            out.append(".param ").append(p.name()).append('=').append(num(parameters.get(p.name()))).append('\n');
        }
        out.append('\n').append(template.body()).append('\n');
        for (InputSpec in : rig.inputs()) {
            out.append(in.source()).append(' ').append(in.node()).append(" 0 DC 0\n");
        }
        out.append("\n.op\n.save");
        for (ChannelSpec c : rig.channels()) {
            out.append(" v(").append(c.node()).append(')');
        }
        for (InputSpec in : rig.inputs()) {
            out.append(" v(").append(in.node()).append(')');
        }
        out.append(" v(").append(settings.supplyNode()).append(") i(").append(settings.supplySource()).append(")\n.end\n");
        String netlist = out.toString();
        NetlistGuard.checkRendered(netlist);
        return netlist;
    }

    static String num(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("non-finite value reached the netlist renderer");
        }
        return String.format(Locale.ROOT, "%.12e", v);
    }
}
