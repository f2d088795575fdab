package org.tileloop.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.tileloop.rig.IdentityCalibration;
import org.tileloop.rig.Rig;
import org.tileloop.rig.bench.emulator.BenchEmulator;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.rig.spice.SpiceRig;
import org.tileloop.rig.spice.SpiceSettings;
import org.tileloop.rig.spice.TimingChain;

/**
 * Where {@code bench train} measures, opened afresh for each run with that run's seed and timing
 * jitter: uncalibrated (identity), so every method sees the same raw times. Either a simulated rig
 * or a bench rig on its own bench emulator.
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
                SpiceSettings seeded = s.withTimingChain(Optional.of(new TimingChain(chain.offsetsNs(), chain.gainPpm(), jitterPs, seed)));
                return new Opened(new SpiceRig(file.description(), seeded, IdentityCalibration.INSTANCE, ngspice), () -> { });
            }
        };
    }

    /**
     * A simulated rig measured on the fleet: for each run a copy of the rig file with the run's
     * timing-chain jitter and seed (and its netlist beside it) is written under {@code workDir}
     * and travels to the workers by hash, so the results are those of {@link #simulated}.
     */
    static BenchmarkRig onFleet(RigFile file, org.tileloop.fleet.FleetSettings fleet, Path workDir) {
        return new BenchmarkRig() {
            private int runs;

            @Override
            public RigFile file() {
                return file;
            }

            @Override
            public Opened open(long seed, double jitterPs) throws IOException {
                SpiceSettings s = file.simulator().orElseThrow();
                com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
                        org.tileloop.input.StrictInput.yamlFile(file.path(), "rig file");
                com.fasterxml.jackson.databind.node.ObjectNode sim = (com.fasterxml.jackson.databind.node.ObjectNode) root.get("simulator");
                sim.put("netlist", s.netlistTemplate().getFileName().toString());
                int channels = file.description().channels().size();
                TimingChain chain = s.timingChain().orElse(new TimingChain(Collections.nCopies(channels, 0.0), Collections.nCopies(channels, 0.0), 0, 1));
                com.fasterxml.jackson.databind.node.ObjectNode tc = sim.putObject("timing_chain");
                chain.offsetsNs().forEach(tc.putArray("offsets_ns")::add);
                chain.gainPpm().forEach(tc.putArray("gain_ppm")::add);
                tc.put("jitter_ps", jitterPs);
                tc.put("seed", seed);
                Path dir = java.nio.file.Files.createDirectories(workDir.resolve("run" + runs++));
                java.nio.file.Files.copy(s.netlistTemplate(), dir.resolve(s.netlistTemplate().getFileName()));
                Path rigFile = dir.resolve(file.path().getFileName());
                new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).writeValue(rigFile.toFile(), root);
                return new Opened(org.tileloop.fleet.FleetRig.open(org.tileloop.rig.file.RigFileLoader.load(rigFile), fleet), () -> { });
            }
        };
    }

    /**
     * A bench rig on a bench emulator started for each run with the run's seed and jitter, its tile
     * the SPICE circuit of {@code tile} (a simulated rig file) when given, else the built-in model.
     */
    static BenchmarkRig emulated(RigFile benchFile, Optional<Path> tile, Path firmwareDir, Path workDir) {
        return new BenchmarkRig() {
            private int started;

            @Override
            public RigFile file() {
                return benchFile;
            }

            @Override
            public Opened open(long seed, double jitterPs) throws IOException {
                BenchEmulator.Options options = BenchEmulator.Options.clean(seed).jitter(jitterPs);
                if (tile.isPresent()) {
                    options = options.tile(tile.get());
                }
                BenchEmulator emulator = BenchEmulator.start(firmwareDir, workDir.resolve("bench" + (started++)), options);
                try {
                    return new Opened(emulator.openRig(benchFile.path()), emulator);
                } catch (RuntimeException e) {
                    emulator.close();
                    throw e;
                }
            }
        };
    }
}
