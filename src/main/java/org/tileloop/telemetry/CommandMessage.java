package org.tileloop.telemetry;

import java.util.Optional;

/**
 * A message on a host's command topic, as the broker delivered it (MQTT 5 request/response).
 *
 * @param retained whether the broker replayed it as a retained message (commands run only when sent)
 * @param responseTopic where the requester wants the reply
 * @param correlation the requester's correlation data, empty when it sent none
 */
public record CommandMessage(String topic, byte[] payload, boolean retained, Optional<String> responseTopic, byte[] correlation) {
}
