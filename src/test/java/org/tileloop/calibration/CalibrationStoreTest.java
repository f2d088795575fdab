package org.tileloop.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tileloop.rig.RigConfigurationException;

class CalibrationStoreTest {

    @TempDir
    Path dir;

    static CalibrationRecord record(String id, String validFrom, double maxAgeHours) {
        return new CalibrationRecord(1, id, "rig-a", "bench", "board-1", "fw 1", null, validFrom, maxAgeHours, List.of(2.0, 10.0, 20.0),
                1, 10, "test", List.of(new CalibrationRecord.ChannelFit("n0", 2.5, 1.0003, 1.0, 2.0, 0.9999, List.of(new double[] {2, 4.5006}, new double[] {10, 12.503}))));
    }

    @Test
    void linearCalibrationInvertsOffsetAndGain() {
        LinearCalibration c = new LinearCalibration(record("rig-a/20261122T000000Z", "2026-11-22T00:00:00Z", 24));
        var t = c.apply("n0", 2.5 + 1.0003 * 7.0);
        assertEquals(7.0, t.calibratedNs(), 1e-12);
        assertEquals(2.5 + 1.0003 * 7.0, t.rawNs(), 1e-12);
        assertEquals("rig-a/20261122T000000Z", t.calibrationId());
        assertThrows(RigConfigurationException.class, () -> c.apply("n9", 1.0));
    }

    @Test
    void recordsAreNeverOverwrittenAndCurrentFollowsTheNewest() throws Exception {
        CalibrationStore store = new CalibrationStore(dir);
        String id = store.newId("rig-a", Instant.parse("2026-11-22T10:00:00Z"));
        assertEquals("rig-a/20261122T100000Z", id);
        store.save(record(id, "2026-11-22T10:00:00Z", 24));
        String second = store.newId("rig-a", Instant.parse("2026-11-22T10:00:00Z"));
        assertEquals("rig-a/20261122T100000Z-2", second, "same second: a new id, not the old file");
        RigConfigurationException again = assertThrows(RigConfigurationException.class, () -> store.save(record(id, "2026-11-22T10:00:00Z", 24)));
        assertTrue(again.getMessage().contains("never overwritten"), again.getMessage());
        store.save(record(second, "2026-11-22T10:00:00Z", 24));
        assertEquals(second, store.current("rig-a").orElseThrow().id());
        assertEquals(2, store.list("rig-a").size());
        CalibrationRecord loaded = store.load(id);
        assertEquals(1.0003, loaded.channels().get(0).gain());
        assertEquals(4.5006, loaded.channels().get(0).points().get(0)[1]);
        assertFalse(loaded.expired(Instant.parse("2026-11-23T09:59:59Z")));
        assertTrue(loaded.expired(Instant.parse("2026-11-23T10:00:01Z")));
    }

    @Test
    void corruptMissingAndHostileFilesGiveClearErrors() throws Exception {
        CalibrationStore store = new CalibrationStore(dir);
        Files.createDirectories(dir.resolve("rig-a"));
        Files.writeString(dir.resolve("rig-a/20261122T100000Z.json"), "{\"schema_version\": 1, \"id\": ");
        Files.writeString(dir.resolve("rig-a/current"), "20261122T100000Z.json\n");
        RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> store.current("rig-a"));
        assertTrue(e.getMessage().contains("20261122T100000Z.json: corrupt calibration record"), e.getMessage());

        Files.writeString(dir.resolve("rig-a/current"), "20261122T110000Z.json\n");
        e = assertThrows(RigConfigurationException.class, () -> store.current("rig-a"));
        assertTrue(e.getMessage().endsWith("points at 20261122T110000Z.json, which does not exist"), e.getMessage());

        Files.writeString(dir.resolve("rig-a/current"), "../../etc/passwd\n");
        e = assertThrows(RigConfigurationException.class, () -> store.current("rig-a"));
        assertTrue(e.getMessage().contains("should name a record file"), e.getMessage());

        e = assertThrows(RigConfigurationException.class, () -> store.load("rig-a/../../x"));
        assertTrue(e.getMessage().contains("is not a calibration id"), e.getMessage());

        String good = new String(Files.readAllBytes(saveOne(store)));
        Files.writeString(dir.resolve("rig-a/20261122T120000Z.json"), good.replace("1.0003", "7.5"));
        e = assertThrows(RigConfigurationException.class, () -> store.load("rig-a/20261122T120000Z"));
        assertTrue(e.getMessage().contains("gain must lie in (0.5, 2)"), e.getMessage());
    }

    private Path saveOne(CalibrationStore store) throws Exception {
        return store.save(record("rig-a/20261122T120000Z", "2026-11-22T12:00:00Z", 24));
    }

    @Test
    void implausibleOrInconsistentRecordsAreRefusedNotUsed() throws Exception {
        CalibrationStore store = new CalibrationStore(dir);
        store.save(record("rig-a/20261122T100000Z", "2026-11-22T10:00:00Z", 24));
        Path f = dir.resolve("rig-a/20261122T100000Z.json");
        String good = Files.readString(f);
        for (String[] bad : new String[][] {
                {"\"offset_ns\" : 2.5", "\"offset_ns\" : 1.0E300", "offset within ±1000 ns"},
                {"\"rig_id\" : \"rig-a\"", "\"rig_id\" : \"other-rig\"", "rig_id 'other-rig' in the directory of rig rig-a"},
                {"2026-11-22T10:00:00Z", "2999-01-01T00:00:00Z", "is in the future"},
                {"\"max_age_hours\" : 24.0", "\"max_age_hours\" : -5.0", "max_age_hours -5.0"},
                {"\"residual_rms_ps\" : 1.0", "\"residual_rms_ps\" : 1000000.0", "residual rms 1000000.0 ps"},
                {"\"r_squared\" : 0.9999", "\"r_squared\" : 1.5", "r² 1.5"},
                {"\"repeats\" : 1,", "\"repeats\" : 1, \"evil\" : 1,", "unknown key 'evil'"}}) {
            assertTrue(good.contains(bad[0]), bad[0] + " in " + good);
            Files.writeString(f, good.replace(bad[0], bad[1]));
            RigConfigurationException e = assertThrows(RigConfigurationException.class, () -> store.load("rig-a/20261122T100000Z"), bad[1]);
            assertTrue(e.getMessage().startsWith(f + ": corrupt calibration record: ") && e.getMessage().contains(bad[2]), e.getMessage());
        }
    }
}
