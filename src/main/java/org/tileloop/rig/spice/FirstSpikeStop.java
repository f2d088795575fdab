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
 * transient resumed (with none left that can still fire, it runs to its end). A channel has fired once its waveform,
 * having started below the threshold, has reached it: exactly when {@link SpikeDetector} finds its
 * first crossing. A channel that starts at or above its threshold is never counted as fired, so its
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
final class FirstSpikeStop {

    /** The commands of a run that ends with its {@code .tran}. */
    static final String WHOLE_WINDOW = "run\n";

    private static final Pattern NODE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");

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
        StringBuilder out = new StringBuilder(256 + 160 * channels.size());
        ChannelSpec last = channels.get(channels.size() - 1);
        out.append("stop when ").append(vector(last)).append(" > ").append(number(last.thresholdV())).append('\n');
        out.append("run\nlet tl_n=0\nwhile tl_n lt ").append(channels.size() + 1).append("\nlet tl_n=tl_n+1\nif time[length(time)-1] ge ")
                .append(number(endS * (1 - 1e-9))).append("\nbreak\nend\nlet tl_all=");
        for (int i = 0; i < channels.size(); i++) {
            ChannelSpec c = channels.get(i);
            out.append(i == 0 ? "" : " and ").append(start(c)).append(" and vecmax(").append(vector(c)).append(") ge ").append(number(c.thresholdV()));
        }
        out.append("\nif tl_all\nbreak\nend\ndelete all\nlet tl_arm=1\n");
        for (int i = channels.size() - 1; i >= 0; i--) {
            ChannelSpec c = channels.get(i);
            String v = vector(c);
            String th = number(c.thresholdV());
            out.append("if tl_arm and ").append(start(c)).append(" and vecmax(").append(v).append(") lt ").append(th)
                    .append("\nstop when ").append(v).append(" > ").append(th).append("\nlet tl_arm=0\nend\n");
        }
        out.append("resume\nend\ndelete all\n");
        return out.toString();
    }

    /** The channel started below its threshold (only then can a rising crossing be its first spike). */
    private static String start(ChannelSpec c) {
        return vector(c) + "[0] lt " + number(c.thresholdV());
    }

    private static String vector(ChannelSpec c) {
        if (!NODE.matcher(c.node()).matches()) {
            throw new IllegalArgumentException("channel node " + c.node() + " is not a plain node name");
        }
        return "v(" + c.node() + ")";
    }

    /** The shortest decimal that reads back as {@code v}. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("non-finite value for the first-spike stop");
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }
}
