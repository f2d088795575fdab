package org.tileloop.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.Probe;
import org.tileloop.rig.Stimulus;
import org.tileloop.rig.file.RigFile;
import org.tileloop.rig.file.RigFileLoader;
import org.tileloop.rig.spice.Ngspice;
import org.tileloop.telemetry.BrokerSettings;
import org.tileloop.telemetry.Bus;
import org.tileloop.telemetry.BusMessage;
import org.tileloop.telemetry.Telemetry;
import org.tileloop.telemetry.Topics;
import org.tileloop.telemetry.internal.MosquittoBroker;

/** A worker facing a hostile requester: malformed work is dropped unrun, and a rig file that does not match its hash is refused. */
class FleetWorkerHostileTest {

    static final String JOB = "0123456789ab";

    @TempDir
    Path dir;

    @Test
    void malformedChunksAreDroppedAndATamperedRigFileIsRefused() throws Exception {
        RigFile rig = RigFileLoader.load(Path.of("rigs/sim-tile4.yaml"));
        byte[] netlist = Files.readAllBytes(rig.simulator().orElseThrow().netlistTemplate());
        Map<String, String> users = MosquittoBroker.generatedUsers();
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"), MosquittoBroker.freePort(), false, users)) {
            BrokerSettings operator = new BrokerSettings(broker.url(), Optional.of("operator"), Optional.of(users.get("operator").toCharArray()),
                    Optional.empty());
            BlockingQueue<BusMessage> inbox = new LinkedBlockingQueue<>();
            try (Bus requester = Telemetry.bus(operator, "test-requester", Optional.empty());
                 FleetWorker worker = new FleetWorker(operator, "hw", 1, dir.resolve("cache"), Ngspice.locate(), null)) {
                requester.subscribe(Topics.Fleet.jobInbox(JOB), inbox::add);
                assertTrue(requester.awaitReady(10_000) && worker.awaitReady(10_000));
                requester.publish(Topics.Fleet.job(JOB), new Messages.Job(JOB, "sim-tile4", rig.sha256(), RigFileLoader.sha256(netlist)).encode(), true);

                ChunkCodec.Assignment good = new ChunkCodec.Assignment(JOB, 7, 1, rig.sha256(), RigFileLoader.sha256(netlist),
                        List.of(new Probe(rig.description().defaults(), new Stimulus(Map.of("in0", 5.0)))), new int[] {0});
                ObjectNode valid = (ObjectNode) Wire.JSON.readTree(good.encode());
                List<String> hostile = List.of(
                        valid.toString().replace("\"r_fb\":3000.0", "\"r_fb\":\"3000\""),
                        valid.toString().replace("\"occurrence\":0", "\"occurrence\":-1"),
                        valid.toString().replace("\"schema\":1", "\"schema\":2"),
                        valid.toString().replace("\"window\":\"full\"", "\"window\":\"full\",\"shell\":\"rm -rf /\""),
                        valid.toString().replace(rig.sha256(), "b".repeat(64)),
                        "{\"schema\":1,\"type\":\"chunk\"",
                        "[]");
                for (String h : hostile) {
                    BusMessage ask = next(inbox, "ask");
                    requester.publish(ask.responseTopic().orElseThrow(), h.getBytes(StandardCharsets.UTF_8), Optional.empty(), ask.correlation());
                }
                BusMessage ask = next(inbox, "ask");
                assertEquals(0, worker.chunksMeasured(), "nothing ran for a malformed chunk; the worker just asked again");

                requester.publish(ask.responseTopic().orElseThrow(), good.encode(), Optional.empty(), ask.correlation());
                BusMessage blob = next(inbox, "blob_request");
                Messages.BlobRequest r = Messages.BlobRequest.decode(Wire.parse(blob.payload()));
                assertEquals(rig.sha256(), r.sha256(), "the worker fetches the rig file it lacks");
                byte[] tampered = (new String(Files.readAllBytes(rig.path()), StandardCharsets.UTF_8) + "\n# changed\n").getBytes(StandardCharsets.UTF_8);
                requester.publish(blob.responseTopic().orElseThrow(), new Messages.BlobPart(r.sha256(), 0, 1, tampered).encode(), Optional.empty(),
                        blob.correlation());
                ChunkCodec.Result result = ChunkCodec.Result.decode(Wire.parse(next(inbox, "result").payload()));
                assertEquals(Optional.of(ChunkCodec.FailureKind.UNAVAILABLE), result.failure());
                assertTrue(result.error().contains("its bytes hash to"), result.error());
                assertNull(poll(inbox, "ask", 3), "the worker refuses the job and asks it nothing more");
                assertTrue(Files.notExists(dir.resolve("cache/blobs").resolve(rig.sha256())), "the tampered file was not kept");
            }
        }
    }

    private static BusMessage next(BlockingQueue<BusMessage> inbox, String type) throws Exception {
        BusMessage m = poll(inbox, type, 20);
        assertNotNull(m, "no " + type + " within 20 s");
        return m;
    }

    private static BusMessage poll(BlockingQueue<BusMessage> inbox, String type, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            BusMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && Wire.parse(m.payload()).get("type").asText().equals(type)) {
                return m;
            }
        }
        return null;
    }
}
