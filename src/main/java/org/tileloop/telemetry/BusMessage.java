package org.tileloop.telemetry;

import java.util.Optional;

/**
 * A message a {@link Bus} delivered.
 *
 * @param retained whether the broker replayed it as a retained message
 * @param responseTopic where the sender wants a reply
 * @param correlation the sender's correlation data, empty when it sent none
 */
public record BusMessage(String topic, byte[] payload, boolean retained, Optional<String> responseTopic, byte[] correlation) {
}
