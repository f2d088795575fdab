package org.tileloop.rig.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Running counts behind {@link LinkStatistics}; shared by a rig's successive sessions. One owner thread. */
final class LinkCounters {

    private final Map<Integer, long[]> byType = new TreeMap<>();
    private long malformedFrames;
    private long reconnects;

    private long[] of(int type) {
        return byType.computeIfAbsent(type, t -> new long[3]);
    }

    void request(int type) {
        of(type)[0]++;
    }

    void resent(int type, boolean afterMalformed) {
        of(type)[afterMalformed ? 1 : 2]++;
    }

    void malformed(long frames) {
        malformedFrames += frames;
    }

    void reconnected() {
        reconnects++;
    }

    LinkStatistics snapshot(RoundTrips rtt) {
        List<LinkStatistics.Command> commands = new ArrayList<>();
        byType.forEach((type, c) -> commands.add(new LinkStatistics.Command(Frame.name(type), c[0], c[1], c[2], rtt.srttMs(type))));
        return new LinkStatistics(reconnects, malformedFrames, commands);
    }
}
