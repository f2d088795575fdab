package org.tileloop.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.tileloop.rig.Calibration;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Rig;
import org.tileloop.rig.RigDescription;
import org.tileloop.rig.SpikeCounts;
import org.tileloop.rig.StimulusResult;
import org.tileloop.rig.Timing;

/**
 * A rig that answers instantly (each channel fires at the stimulus delay plus a fixed offset that
 * depends on the parameters), so the trainer's own cost can be measured with the rig excluded.
 * A full-window probe counts that one spike per channel; a first-spikes probe leaves counts unknown.
 */
final class InstantRig implements Rig {
    private final RigDescription description;
    private int lastBatch;

    InstantRig(RigDescription description) {
        this.description = description;
    }

    @Override
    public RigDescription description() {
        return description;
    }

    @Override
    public List<StimulusResult> measure(List<Probe> batch) {
        lastBatch = batch.size();
        List<StimulusResult> out = new ArrayList<>();
        for (Probe p : batch) {
            double shift = 0;
            for (var e : p.parameters().values().entrySet()) {
                shift += 1e-6 * e.getValue();
            }
            boolean full = p.window() == Probe.Window.FULL;
            List<ChannelResult> channels = new ArrayList<>();
            int c = 0;
            for (ChannelSpec ch : description.channels()) {
                double t = p.stimulus().delayNs() + 1 + 0.4 * c++ + shift;
                List<Timing> spikes = List.of(IdentityCalibration.INSTANCE.apply(ch.name(), t));
                channels.add(full ? ChannelResult.counted(ch.name(), spikes) : ChannelResult.uncounted(ch.name(), spikes));
            }
            out.add(new StimulusResult(p.stimulus(), channels, OptionalDouble.empty(),
                    full ? SpikeCounts.COMPLETE : SpikeCounts.TRUNCATED));
        }
        return out;
    }

    int probesPerCall() {
        return lastBatch;
    }

    @Override
    public Calibration calibration() {
        return IdentityCalibration.INSTANCE;
    }

    @Override
    public void useCalibration(Calibration calibration) {
    }

    @Override
    public void close() {
    }
}
