package org.tileloop.rig.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a bench link went through since the rig was opened: requests and resends per command
 * type, malformed frames received, reconnects.
 *
 * @param reconnects times the device was reopened after the link died
 * @param malformedFrames malformed frames the host received (each cost at most one resend)
 * @param commands per command type that was sent, in protocol order
 */
public record LinkStatistics(long reconnects, long malformedFrames, List<Command> commands) {

    /**
     * @param requests distinct requests (not counting resends)
     * @param resentMalformed resends because only a malformed frame had arrived
     * @param resentTimeout resends after a timeout
     * @param srttMs smoothed round trip per unit (a FIRE_BATCH's stimulus), ms; NaN before any sample
     */
    public record Command(String name, long requests, long resentMalformed, long resentTimeout, double srttMs) {
        public long resends() {
            return resentMalformed + resentTimeout;
        }
    }

    public LinkStatistics {
        commands = List.copyOf(commands);
    }

    public long requests() {
        return commands.stream().mapToLong(Command::requests).sum();
    }

    public long resends() {
        return commands.stream().mapToLong(Command::resends).sum();
    }

    public long resentMalformed() {
        return commands.stream().mapToLong(Command::resentMalformed).sum();
    }

    public long resentTimeout() {
        return commands.stream().mapToLong(Command::resentTimeout).sum();
    }

    /** One line: totals, then per command type with resends its requests, resends and round trip. */
    @Override
    public String toString() {
        String per = commands.stream().filter(c -> c.resends() > 0)
                .map(c -> String.format(Locale.ROOT, "%s %d/%d (srtt %.2f ms)", c.name(), c.resends(), c.requests(), c.srttMs()))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "reconnects %d, requests %d, resends %d (%d after malformed replies, %d after timeouts), "
                + "malformed frames %d%s", reconnects, requests(), resends(), resentMalformed(), resentTimeout(), malformedFrames,
                per.isEmpty() ? "" : "; resends/requests: " + per);
    }
}
