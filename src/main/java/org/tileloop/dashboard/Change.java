package org.tileloop.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What changed: {@code kind} is the SSE event name ({@code state}, {@code host}, {@code rig},
 * {@code run}); {@link #sse} is encoded once however many clients send it. Thread-safe.
 */
final class Change {
    final String kind;
    final ObjectNode json;
    private byte[] sse;

    Change(String kind, ObjectNode json) {
        this.kind = kind;
        this.json = json;
    }

    /** The server-sent event: {@code event: <kind>}, one {@code data:} line of JSON, a blank line. */
    synchronized byte[] sse() {
        if (sse == null) {
            sse = ("event: " + kind + "\ndata: " + json.toString() + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return sse;
    }
}
