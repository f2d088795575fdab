package org.tileloop.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.file.RigFileLoader;

/**
 * A worker's content-addressed store of rig files and netlists ({@code blobs/<sha256>}), filled
 * over the broker from the job that needs a blob, part by part; a blob is kept only when its
 * bytes hash to its name, and checked again whenever it is read. Thread-safe.
 */
final class BlobCache {

    /** Asks a job for one part of a blob and returns the reply, empty when none came in time. */
    interface Fetch {
        Optional<ObjectNode> part(String sha256, int part);
    }

    private final Path dir;

    BlobCache(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir.resolve("blobs"));
    }

    /**
     * The blob with this hash, from the cache or fetched.
     *
     * @throws RigUnavailableException when it cannot be fetched or its bytes do not match the hash
     */
    synchronized byte[] get(String sha256, Fetch fetch) {
        Path f = dir.resolve(sha256);
        try {
            if (Files.exists(f)) {
                byte[] b = Files.readAllBytes(f);
                if (RigFileLoader.sha256(b).equals(sha256)) {
                    return b;
                }
                Files.delete(f);
            }
            byte[] b = fetch(sha256, fetch);
            Path tmp = dir.resolve(sha256 + ".tmp");
            Files.write(tmp, b);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return b;
        } catch (IOException e) {
            throw new RigUnavailableException("blob cache " + dir + ": " + e.getMessage(), e);
        }
    }

    private static byte[] fetch(String sha256, Fetch fetch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = 1;
        for (int part = 0; part < parts; part++) {
            ObjectNode reply = fetch.part(sha256, part)
                    .orElseThrow(() -> new RigUnavailableException("no reply when fetching blob " + sha256.substring(0, 12)));
            if (reply.get("type").asText().equals("error")) {
                throw new RigUnavailableException("fetching blob " + sha256.substring(0, 12) + ": "
                        + Messages.NoWork.decode(reply).error().orElse(""));
            }
            Messages.BlobPart p = Messages.BlobPart.decode(reply);
            if (!p.sha256().equals(sha256) || p.part() != part || (part > 0 && p.parts() != parts)) {
                throw new Wire.BadMessage("blob part " + p.part() + " of " + p.sha256().substring(0, 12) + " where part " + part
                        + " of " + sha256.substring(0, 12) + " was asked for");
            }
            parts = p.parts();
            out.writeBytes(p.data());
            if (out.size() > Messages.MAX_BLOB_BYTES) {
                throw new Wire.BadMessage("blob " + sha256.substring(0, 12) + " exceeds " + Messages.MAX_BLOB_BYTES + " bytes");
            }
        }
        byte[] b = out.toByteArray();
        if (!RigFileLoader.sha256(b).equals(sha256)) {
            throw new Wire.BadMessage("blob " + sha256.substring(0, 12) + ": its bytes hash to " + RigFileLoader.sha256(b).substring(0, 12));
        }
        return b;
    }
}
