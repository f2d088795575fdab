package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a 64 KiB tmpfs in a private mount namespace ({@code unshare}) as the runs
 * directory. The run fails mid-way with one line and exit 6, its manifest says {@code failed}
 * with the reason; after the tmpfs is grown, {@code --resume} finishes with artifacts
 * byte-identical to an uninterrupted run.
 */
class DiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskFailsTheRunCleanlyAndItResumesToIdenticalArtifactsOnceSpaceIsFreed() throws Exception {
        CliTest.Run ref = CliTest.run("train", "--rig", "rigs/sim-tile4.yaml", "--iterations", "12", "--seed", "1",
                "--runs-dir", dir.resolve("reference").toString());
        assertEquals(0, ref.exit(), ref.err());
        Path reference = dir.resolve("reference/latest").toRealPath();

        Path small = Files.createDirectories(dir.resolve("small"));
        Path keep = Files.createDirectories(dir.resolve("keep"));
        String train = Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:-UsePerfData -cp '"
                + System.getProperty("java.class.path") + "' " + Main.class.getName() + " train ";
        String script = String.join("\n",
                "set -u",
                "mount -t tmpfs -o size=64k tileloop-full '" + small + "' || exit 90",
                train + "rigs/sim-tile4.yaml --iterations 12 --seed 1 --out '" + small + "' > '" + keep + "/first.out' 2> '"
                        + keep + "/first.err'; echo $? > '" + keep + "/first.rc'",
                "cp -a '" + small + "/.' '" + keep + "/failed'",
                "mount -o remount,size=8m '" + small + "' || exit 91",
                "run=$(readlink '" + small + "/latest')",
                train + "--resume '" + small + "'/$run > '" + keep + "/second.out' 2> '" + keep + "/second.err'; echo $? > '"
                        + keep + "/second.rc'",
                "cp -a '" + small + "/.' '" + keep + "/done'");
        List<String> unshare = "root".equals(System.getProperty("user.name"))
                ? List.of("unshare", "-m", "bash", "-c", script) : List.of("unshare", "-Urm", "bash", "-c", script);
        Process p = new ProcessBuilder(unshare).redirectErrorStream(true).redirectOutput(dir.resolve("unshare.log").toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "script finished");
        assertEquals(0, p.exitValue(), "mount namespace and tmpfs: " + Files.readString(dir.resolve("unshare.log")));

        String err = Files.readString(keep.resolve("first.err"));
        assertEquals("6", Files.readString(keep.resolve("first.rc")).strip(), err);
        List<String> errLines = err.strip().lines().toList();
        String last = errLines.get(errLines.size() - 1);
        assertTrue(last.startsWith("error: I/O failure: ") && last.contains("No space left on device")
                && last.contains("tileloop train --resume "), last);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        Path failed = keep.resolve("failed").resolve(Files.readSymbolicLink(keep.resolve("failed/latest")));
        JsonNode manifest = Json.MAPPER.readTree(failed.resolve("manifest.json").toFile());
        assertEquals("failed", manifest.get("status").asText());
        assertTrue(manifest.get("reason").asText().contains("No space left on device"), manifest.get("reason").asText());
        int rows = Files.readAllLines(failed.resolve("iterations.csv")).size();
        assertTrue(rows > 2 && rows < 14, "the disk filled mid-run: " + rows + " lines in iterations.csv");

        assertEquals("0", Files.readString(keep.resolve("second.rc")).strip(), Files.readString(keep.resolve("second.err")));
        Path done = keep.resolve("done").resolve(Files.readSymbolicLink(keep.resolve("done/latest")));
        assertEquals("completed", Json.MAPPER.readTree(done.resolve("manifest.json").toFile()).get("status").asText());
        TrainCommandTest.assertSameArtifacts(reference, done);
    }
}
