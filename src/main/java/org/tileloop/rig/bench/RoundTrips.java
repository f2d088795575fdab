package org.tileloop.rig.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Reply timeouts adapted to measured round trips (drivers/protocol.md section 5): per command
 * type, RFC 6298's smoothed round-trip time and variation (gains 1/8 and 1/4), per unit of work
 * (a FIRE_BATCH's stimuli; one for other commands). An attempt waits
 * {@code max(MIN_TIMEOUT_MS, units · (SRTT + 4 · RTTVAR))}, doubled for each earlier timeout of the
 * same request, never more than the configured bound; the bound itself before the first sample.
 * Outlives sessions (a reconnect keeps what was learnt). One owner thread.
 */
final class RoundTrips {

    /** The shortest attempt: scheduling on a loaded host delays replies by several ms (a spurious resend costs only a replay). */
    static final double MIN_TIMEOUT_MS = 5;

    private static final class Estimate {
        double srttMs;
        double rttvarMs;
    }

    private final Map<Integer, Estimate> byType = new HashMap<>();

    /** A round trip of {@code ms} for a request of {@code units} units, from an unambiguous attempt (Karn). */
    void sample(int type, int units, double ms) {
        double per = ms / Math.max(1, units);
        Estimate e = byType.get(type);
        if (e == null) {
            e = new Estimate();
            e.srttMs = per;
            e.rttvarMs = per / 2;
            byType.put(type, e);
        } else {
            e.rttvarMs = 0.75 * e.rttvarMs + 0.25 * Math.abs(e.srttMs - per);
            e.srttMs = 0.875 * e.srttMs + 0.125 * per;
        }
    }

    /**
     * @param timeouts attempts of this request that already timed out
     * @param boundMs the configured timeout for this request (the upper bound)
     */
    double timeoutMs(int type, int units, int timeouts, double boundMs) {
        Estimate e = byType.get(type);
        if (e == null) {
            return boundMs;
        }
        double base = Math.max(MIN_TIMEOUT_MS, Math.max(1, units) * (e.srttMs + 4 * e.rttvarMs));
        return Math.min(boundMs, base * Math.pow(2, Math.min(timeouts, 20)));
    }

    /** The smoothed round trip per unit, or NaN before the first sample. */
    double srttMs(int type) {
        Estimate e = byType.get(type);
        return e == null ? Double.NaN : e.srttMs;
    }
}
