package org.tileloop.rig.bench.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The emulated tile behind {@code bench-emulator --tile-oracle} (drivers/README.md, "A SPICE
 * tile"): for each measurement the emulator writes one request line
 * {@code measure r_fb=V rleak=V iin_amp=V iin1_amp=V window_ps=W in0=D ...} (values in the
 * parameters' units, input delays in ps) and reads one reply line, either
 * {@code ok ENERGY_FJ} followed per channel n0..n3 by {@code COUNT STORED T1 .. T_STORED} (true
 * spike times in ps, {@code STORED = min(COUNT, 8)}, {@code -} for an unknown energy), or
 * {@code error MESSAGE}. The emulator then applies its timing chain as for its built-in model.
 *
 * <p>Threading: {@link #answer} is called from one thread at a time (one emulator process lives at a time).
 */
@FunctionalInterface
interface TileOracle extends AutoCloseable {

    /** The reply line (without newline) to one request line; never throws: failures are {@code error ...} replies. */
    String answer(String request);

    /** Releases what the oracle holds (e.g. ngspice processes); the default holds nothing. */
    @Override
    default void close() {
    }

    /** Answers {@code emulator}'s requests on a daemon thread until its stdout closes (it exited). */
    static Thread serve(TileOracle oracle, Process emulator) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.US_ASCII));
                 Writer out = new OutputStreamWriter(emulator.getOutputStream(), StandardCharsets.US_ASCII)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.write(oracle.answer(line) + "\n");
                    out.flush();
                }
            } catch (IOException e) {
                // the emulator exited (unplug fault, close): its pipes are gone and so is this session
            }
        }, "tile-oracle");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
