package org.tileloop.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.tileloop.input.StrictInput;
import org.tileloop.rig.MeasurementException;
import org.tileloop.rig.bench.BenchSettings;
import org.tileloop.rig.bench.BenchStatus;
import org.tileloop.rig.bench.Handshake;
import org.tileloop.rig.bench.internal.JSerialCommLink;

/** {@code describe}'s bench section: the controller's HELLO and STATUS, or why it did not answer. */
record BenchStatusView(String device, BenchStatus.Report report, String unreachable) {

    /** One attempt on the rig file's device (no reconnect loop); a failure is reported, not thrown. */
    static BenchStatusView query(BenchSettings settings) {
        try {
            return new BenchStatusView(settings.device(), BenchStatus.query(settings, JSerialCommLink.factory(settings.device(), settings.baud())), null);
        } catch (IOException | MeasurementException e) {
            return new BenchStatusView(settings.device(), null, StrictInput.oneLine(String.valueOf(e.getMessage())));
        }
    }

    void print(PrintWriter out) {
        out.printf("%nbench on %s%n", device);
        if (report == null) {
            out.printf("  not reachable: %s%n", unreachable);
            return;
        }
        Handshake h = report.handshake();
        BenchStatus s = report.status();
        out.printf("  controller  %s, %s, protocol %s%n", h.boardId(), h.firmwareVersion(), h.version());
        out.printf("  state       %s, interlock %s%n", s.armed() ? "armed" : "disarmed", s.interlockLatched() ? "LATCHED" : "clear");
        out.printf(Locale.ROOT, "  frames      %d ok, %d malformed (received since power-up)%n", s.framesOk(), s.framesMalformed());
        if (s.replays().isPresent()) {
            out.printf(Locale.ROOT, "  counters    replays %d, errors %d, stimuli %d, reference pulses %d, interlock trips %d%n",
                    s.replays().getAsLong(), s.errors().getAsLong(), s.stimuli().getAsLong(), s.referencePulses().getAsLong(),
                    s.interlockTrips().getAsLong());
        }
        out.printf("  codes       %s%n", String.join(", ", codes()));
    }

    private List<String> codes() {
        List<String> c = new ArrayList<>();
        List<Handshake.Param> params = report.handshake().parameters();
        List<Integer> codes = report.status().codes();
        for (int i = 0; i < codes.size(); i++) {
            if (i < params.size()) {
                Handshake.Param p = params.get(i);
                c.add(p.name() + " " + codes.get(i) + " (" + new java.math.BigDecimal(p.value(codes.get(i))).round(new java.math.MathContext(6))
                        .stripTrailingZeros().toPlainString() + " " + p.unit() + ")");
            } else {
                c.add("#" + i + " " + codes.get(i));
            }
        }
        return c;
    }

    ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("device", device);
        if (report == null) {
            o.put("reachable", false).put("error", unreachable);
            return o;
        }
        Handshake h = report.handshake();
        BenchStatus s = report.status();
        o.put("reachable", true).put("board_id", h.boardId()).put("firmware", h.firmwareVersion()).put("protocol_version", h.version())
                .put("armed", s.armed()).put("interlock_latched", s.interlockLatched()).put("frames_ok", s.framesOk())
                .put("frames_malformed", s.framesMalformed());
        put(o, "replays", s.replays());
        put(o, "errors", s.errors());
        put(o, "stimuli", s.stimuli());
        put(o, "reference_pulses", s.referencePulses());
        put(o, "interlock_trips", s.interlockTrips());
        ObjectNode codes = o.putObject("codes");
        for (int i = 0; i < s.codes().size() && i < h.parameters().size(); i++) {
            codes.put(h.parameters().get(i).name(), s.codes().get(i));
        }
        return o;
    }

    private static void put(ObjectNode o, String key, OptionalLong v) {
        if (v.isPresent()) {
            o.put(key, v.getAsLong());
        }
    }
}
