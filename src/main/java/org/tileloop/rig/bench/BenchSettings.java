package org.tileloop.rig.bench;

import java.util.Optional;

/**
 * How to reach a bench (rig file key {@code bench}).
 *
 * @param device serial device path, e.g. {@code /dev/ttyACM0} or the emulator's pty link
 * @param timeoutMs reply timeout per request (FIRE_BATCH adds the batch's own duration)
 * @param retries resends of one request after a timeout or a corrupt reply
 * @param reconnectTimeoutS how long to keep reopening the device after it vanished
 * @param boardId when present, the handshake's board id must match
 */
public record BenchSettings(String device, int baud, int timeoutMs, int retries, double reconnectTimeoutS,
                            Optional<String> boardId, Gpio gpio) {

    /** Host GPIO: {@code platform} gpiod (a Raspberry Pi or other Linux board), mock (emulated benches) or none. */
    public record Gpio(String platform, int triggerPin, int resetPin, int enablePin, int interlockPin,
                       boolean interlockActiveLow) {
    }
}
