package org.tileloop.rig.spice;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.tileloop.rig.ChannelSpec;

/**
 * The ngspice commands that run a first-spikes transient and end it at the first timepoint where
 * every channel has fired, or at the end of its {@code .tran}. One breakpoint is armed at a time
 * ({@code stop when v(node) > threshold}), on the last channel, in the rig's order, that is still
 * silent (in a chain that is the one that fires last, so one pause usually ends the run); at each
 * pause the run ends if every channel has fired, else the next silent channel is armed and the
 * transient resumed (with none left that can still fire, it runs to its end). A breakpoint holds
 * only strictly inside the window, and a stop where the armed channel is not above its threshold
 * is a failed run, which ends the loop rather than resuming (ngspice would start it again). A
 * channel has fired once its waveform, having started below the threshold, has reached it: exactly
 * when {@link SpikeDetector} finds its first crossing. A channel that starts at or above its threshold is never counted as fired, so its
 * transient runs to the end of the window.
 *
 * <p>This replaces ngspice's {@code .options autostop} ({@link SpiceSettings.FirstSpikeEnd}), which
 * re-evaluates every {@code .meas} over the whole waveform at each timepoint: quadratic in the
 * timepoints, about half of each first-spikes run. A breakpoint costs one comparison per timepoint.
 * The transient is the same computation either way: the same timepoints, bit for bit, up to where
 * it ends.
 *
 * <p>Every value written here is a validated node name or a number formatted by this class; the
 * commands go down tileloop's own pipe to the worker, never into a netlist. ngspice reads its
 * standard input a byte at a time, so the commands are kept short.
 */
public final class FirstSpikeStop {

    /** The commands of a run that ends with its {@code .tran}. */
    static final String WHOLE_WINDOW = "run\n";

    private static final Pattern NODE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    /** Words a node may not be named: ngspice's expression operators, and this class's own vectors. */
    private static final Pattern RESERVED = Pattern.compile("(?i)and|or|not|gt|ge|lt|le|eq|ne|tl_.*");

    private FirstSpikeStop() {
    }

    /**
     * @param channels the rig's channels (node names as validated by the rig file)
     * @param endS     where the transient's {@code .tran} ends, seconds of ngspice time
     * @return newline-terminated commands for an interactive ngspice, in place of {@code run}
     */
    static String commands(List<ChannelSpec> channels, double endS) {
        if (channels.isEmpty()) {
            return WHOLE_WINDOW;
        }
        String end = number(endS * (1 - 1e-9));
        List<Channel> cs = channels.stream().map(Channel::of).toList();
        int last = cs.size() - 1;
        StringBuilder out = new StringBuilder(256 + 200 * cs.size());
        cs.get(last).arm(out, end);
        out.append("run\nlet tl_n=0\nlet tl_a=").append(last).append("\nwhile tl_n lt ").append(cs.size() + 1)
                .append("\nlet tl_n=tl_n+1\nif time[length(time)-1] ge ").append(end).append("\nbreak\nend\nlet tl_p=0\n");
        for (int i = 0; i <= last; i++) {
            Channel c = cs.get(i);
            out.append("if tl_a eq ").append(i).append(" and ").append(c.v).append("[length(").append(c.v).append(")-1] gt ")
                    .append(c.th).append("\nlet tl_p=1\nend\n");
        }
        out.append("if tl_p eq 0\nbreak\nend\nlet tl_all=");
        for (int i = 0; i <= last; i++) {
            out.append(i == 0 ? "" : " and ").append(cs.get(i).reached("ge"));
        }
        out.append("\nif tl_all\nbreak\nend\ndelete all\nlet tl_a=-1\n");
        for (int i = last; i >= 0; i--) {
            Channel c = cs.get(i);
            out.append("if tl_a lt 0 and ").append(c.reached("lt")).append('\n');
            c.arm(out, end);
            out.append("let tl_a=").append(i).append("\nend\n");
        }
        out.append("resume\nend\ndelete all\n");
        return out.toString();
    }

    /** A channel's vector and threshold as the commands write them, checked and formatted once. */
    private record Channel(String v, String th) {

        static Channel of(ChannelSpec c) {
            if (!NODE.matcher(c.node()).matches() || reserved(c.node())) {
                throw new IllegalArgumentException("channel node " + c.node() + " is not a plain node name");
            }
            return new Channel("v(" + c.node() + ")", number(c.thresholdV()));
        }

        /**
         * A breakpoint on this channel, only strictly inside the window: at time 0 every vector has a
         * single point, and a breakpoint met on the last timepoint would stay pending and pause the
         * worker's next run at its start.
         */
        void arm(StringBuilder out, String end) {
            out.append("stop when ").append(v).append(" > ").append(th).append(" when time > 0 when time < ").append(end).append('\n');
        }

        /**
         * Started below the threshold (only then can a rising crossing be its first spike), and its
         * maximum so far compares with the threshold by {@code op}: {@code ge} fired, {@code lt} not yet.
         */
        String reached(String op) {
            return v + "[0] lt " + th + " and vecmax(" + v + ") " + op + " " + th;
        }
    }

    /** Whether {@code node} may not name a channel of a simulated rig (see {@link #RESERVED}). */
    public static boolean reserved(String node) {
        return RESERVED.matcher(node).matches();
    }

    /** The shortest decimal that reads back as {@code v}. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("non-finite value for the first-spike stop");
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }
}
