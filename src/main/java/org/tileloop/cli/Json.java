package org.tileloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/** JSON shapes printed by the CLI. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode stimulusResult(StimulusResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("delay_ns", r.stimulus().delayNs());
        ObjectNode inputs = o.putObject("input_delays_ns");
        r.stimulus().inputDelaysNs().forEach(inputs::put);
        if (r.energyPj().isPresent()) {
            o.put("energy_pj", r.energyPj().getAsDouble());
        } else {
            o.putNull("energy_pj");
        }
        ArrayNode channels = o.putArray("channels");
        for (ChannelResult c : r.channels()) {
            ObjectNode ch = channels.addObject();
            ch.put("name", c.name());
            if (c.firstSpike().isPresent()) {
                ch.put("first_spike_ns", c.firstSpike().get().calibratedNs());
                ch.put("first_spike_raw_ns", c.firstSpike().get().rawNs());
                ch.put("calibration_id", c.firstSpike().get().calibrationId());
            } else {
                ch.putNull("first_spike_ns");
                ch.putNull("first_spike_raw_ns");
                ch.putNull("calibration_id");
            }
            ch.put("spike_count", c.spikeCount().isPresent() ? c.spikeCount().getAsInt() : null);
            ArrayNode times = ch.putArray("spike_times_ns");
            ArrayNode raw = ch.putArray("spike_times_raw_ns");
            for (Timing t : c.spikes()) {
                times.add(t.calibratedNs());
                raw.add(t.rawNs());
            }
        }
        return o;
    }
}
