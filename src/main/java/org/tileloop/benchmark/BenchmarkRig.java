package org.tileloop.benchmark;

import java.io.IOException;
import java.util.Collections;
import java.util.Optional;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Rig;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;
import org.tileloop.rig.spice.SpiceSettings;
import org.tileloop.rig.spice.TimingChain;

/**
 * Where {@code bench train} measures, opened afresh for each run with that run's seed and timing
 * jitter: uncalibrated (identity), so every method sees the same raw times.
 */
public interface BenchmarkRig {

    /** The rig for one run, and what else closes with it (an emulator). */
    record Opened(Rig rig, AutoCloseable also) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                rig.close();
            } finally {
                also.close();
            }
        }
    }

    /** The trained rig's file. */
    RigFile file();

    /** The rig for a run with noise seed {@code seed} and {@code jitterPs} ps rms timing jitter. */
    Opened open(long seed, double jitterPs) throws IOException;

    /** A simulated rig whose timing chain gets the run's jitter and seed (its offsets and gains kept). */
    static BenchmarkRig simulated(RigFile file) {
        Ngspice ngspice = Ngspice.locate();
        return new BenchmarkRig() {
            @Override
            public RigFile file() {
                return file;
            }

            @Override
            public Opened open(long seed, double jitterPs) {
                SpiceSettings s = file.simulator().orElseThrow();
                int channels = file.description().channels().size();
                TimingChain chain = s.timingChain().orElse(new TimingChain(Collections.nCopies(channels, 0.0), Collections.nCopies(channels, 0.0), 0, 1));
                SpiceSettings seeded = new SpiceSettings(s.netlistTemplate(), s.tstopNs(), s.maxStepNs(), s.supplySource(), s.supplyNode(),
                        s.timeoutS(), s.workers(), Optional.of(new TimingChain(chain.offsetsNs(), chain.gainPpm(), jitterPs, seed)), s.mismatch());
                return new Opened(new SpiceRig(file.description(), seeded, IdentityCalibration.INSTANCE, ngspice), () -> { });
            }
        };
    }
}
