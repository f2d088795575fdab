package org.tileloop.rig.bench;

/**
 * The host's GPIO lines to a bench: trigger (scope/TDC sync pulse per batch), tile reset,
 * drive enable (hardware gate on the tile's drive) and the interlock input. Calls return within
 * microseconds; one owner thread.
 */
public interface GpioLines extends AutoCloseable {

    /** Drive enable: true lets the controller drive the tile; false gates it off in hardware. */
    void setEnable(boolean on);

    /** A short pulse on the tile reset line. */
    void pulseReset();

    /** A short pulse on the trigger line, just before a batch is fired. */
    void pulseTrigger();

    /** Whether the interlock input is in its tripped state (after the configured polarity). */
    boolean interlockActive();

    /** Leaves enable off and releases the lines. */
    @Override
    void close();

    /** For benches without host GPIO: nothing to drive, interlock handled by the controller alone. */
    GpioLines NONE = new GpioLines() {
        @Override
        public void setEnable(boolean on) {
        }

        @Override
        public void pulseReset() {
        }

        @Override
        public void pulseTrigger() {
        }

        @Override
        public boolean interlockActive() {
            return false;
        }

        @Override
        public void close() {
        }
    };
}
