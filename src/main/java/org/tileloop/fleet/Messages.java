package org.tileloop.fleet;

import static org.tileloop.fleet.Wire.BadMessage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The fleet's control messages (see README, "Fleet"), each a record with its encoding and its
 * strict decoding. Chunks and results are {@link ChunkCodec}'s.
 */
final class Messages {

    /** Largest blob part, bytes before base64 (a part's message stays well inside one MQTT packet). */
    static final int BLOB_PART_BYTES = 16 * 1024;
    /** Largest rig file or netlist a worker fetches, bytes. */
    static final int MAX_BLOB_BYTES = 1 << 20;

    private Messages() {
    }

    /** Who sent a worker message: the worker's id and its process's session. */
    record From(String worker, String session) {
        void put(ObjectNode o) {
            o.put("worker", worker);
            o.put("session", session);
        }

        static From of(ObjectNode o) {
            return new From(Wire.text(o, "worker", Wire.ID), Wire.text(o, "session", Wire.SESSION));
        }
    }

    /** A requester's retained announcement of an open job: what to simulate, by content hash. */
    record Job(String job, String rigId, String rigSha256, String netlistSha256) {
        byte[] encode() {
            ObjectNode o = Wire.message("job");
            o.put("job", job);
            o.put("rig_id", rigId);
            o.put("rig_sha256", rigSha256);
            o.put("netlist_sha256", netlistSha256);
            return Wire.bytes(o);
        }

        static Job decode(ObjectNode o) {
            Wire.keys(o, "job", Set.of("schema", "type", "job", "rig_id", "rig_sha256", "netlist_sha256"), Set.of());
            return new Job(Wire.text(o, "job", Wire.JOB), Wire.text(o, "rig_id", Wire.ID), Wire.text(o, "rig_sha256", Wire.SHA256),
                    Wire.text(o, "netlist_sha256", Wire.SHA256));
        }
    }

    /** A worker's retained status ({@code online} with its capacity, or {@code offline}); also its birth and death. */
    record Status(From from, boolean online, int capacity, String ngspiceVersion, String reason) {
        byte[] encode(String type, String time) {
            ObjectNode o = Wire.message(type);
            from.put(o);
            o.put("status", online ? "online" : "offline");
            o.put("capacity", capacity);
            o.put("ngspice_version", ngspiceVersion);
            o.put("reason", reason);
            o.put("time", time);
            return Wire.bytes(o);
        }

        static Status decode(ObjectNode o) {
            Wire.keys(o, "status", Set.of("schema", "type", "worker", "session", "status", "capacity", "ngspice_version", "reason", "time"),
                    Set.of());
            String s = Wire.text(o, "status", java.util.regex.Pattern.compile("online|offline"));
            return new Status(From.of(o), s.equals("online"), (int) Wire.integer(o, "capacity", 1, 1024),
                    Wire.printable(o, "ngspice_version", 64), Wire.printable(o, "reason", 200));
        }
    }

    /** An idle slot asks a job for work. */
    record Ask(From from, int slot) {
        byte[] encode() {
            ObjectNode o = Wire.message("ask");
            from.put(o);
            o.put("slot", slot);
            return Wire.bytes(o);
        }

        static Ask decode(ObjectNode o) {
            Wire.keys(o, "ask", Set.of("schema", "type", "worker", "session", "slot"), Set.of());
            return new Ask(From.of(o), (int) Wire.integer(o, "slot", 0, 1023));
        }
    }

    /** A worker asks for part {@code part} of the blob with this hash. */
    record BlobRequest(From from, String sha256, int part) {
        byte[] encode() {
            ObjectNode o = Wire.message("blob_request");
            from.put(o);
            o.put("sha256", sha256);
            o.put("part", part);
            return Wire.bytes(o);
        }

        static BlobRequest decode(ObjectNode o) {
            Wire.keys(o, "blob_request", Set.of("schema", "type", "worker", "session", "sha256", "part"), Set.of());
            return new BlobRequest(From.of(o), Wire.text(o, "sha256", Wire.SHA256),
                    (int) Wire.integer(o, "part", 0, MAX_BLOB_BYTES / BLOB_PART_BYTES));
        }
    }

    /** One part of a blob; the worker checks the hash of the whole. */
    record BlobPart(String sha256, int part, int parts, byte[] data) {
        byte[] encode() {
            ObjectNode o = Wire.message("blob");
            o.put("sha256", sha256);
            o.put("part", part);
            o.put("parts", parts);
            o.put("data", Base64.getEncoder().encodeToString(data));
            return Wire.bytes(o);
        }

        static BlobPart decode(ObjectNode o) {
            Wire.keys(o, "blob", Set.of("schema", "type", "sha256", "part", "parts", "data"), Set.of());
            int parts = (int) Wire.integer(o, "parts", 1, MAX_BLOB_BYTES / BLOB_PART_BYTES + 1);
            int part = (int) Wire.integer(o, "part", 0, parts - 1);
            byte[] data;
            try {
                data = Base64.getDecoder().decode(Wire.printable(o, "data", BLOB_PART_BYTES * 2));
            } catch (IllegalArgumentException e) {
                throw new BadMessage("data: not base64");
            }
            if (data.length > BLOB_PART_BYTES) {
                throw new BadMessage("data: more than " + BLOB_PART_BYTES + " bytes");
            }
            return new BlobPart(Wire.text(o, "sha256", Wire.SHA256), part, parts, data);
        }
    }

    /** A worker still measures a chunk (sent every second while it does). */
    record Beat(From from, long chunk, int attempt) {
        byte[] encode() {
            ObjectNode o = Wire.message("beat");
            from.put(o);
            o.put("chunk", chunk);
            o.put("attempt", attempt);
            return Wire.bytes(o);
        }

        static Beat decode(ObjectNode o) {
            Wire.keys(o, "beat", Set.of("schema", "type", "worker", "session", "chunk", "attempt"), Set.of());
            return new Beat(From.of(o), Wire.integer(o, "chunk", 0, Long.MAX_VALUE), (int) Wire.integer(o, "attempt", 1, 1000));
        }
    }

    /** The requester's answer to an ask or blob request that carries no work: {@code none} (ask again) or an error. */
    record NoWork(String job, Optional<String> error) {
        byte[] encode() {
            ObjectNode o = Wire.message(error.isPresent() ? "error" : "none");
            o.put("job", job);
            error.ifPresent(e -> o.put("error", e));
            return Wire.bytes(o);
        }

        static NoWork decode(ObjectNode o) {
            boolean isError = o.get("type").asText().equals("error");
            Wire.keys(o, o.get("type").asText(), isError ? Set.of("schema", "type", "job", "error") : Set.of("schema", "type", "job"), Set.of());
            return new NoWork(Wire.text(o, "job", Wire.JOB), isError ? Optional.of(Wire.printable(o, "error", 500)) : Optional.empty());
        }
    }
}
