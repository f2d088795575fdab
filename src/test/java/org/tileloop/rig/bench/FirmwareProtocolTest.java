package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The firmware core and the host agree: the same constants, and the core passes its own protocol checks. */
class FirmwareProtocolTest {

    static final Path FIRMWARE = Path.of("drivers/firmware");

    /** Every {@code #define TL_X n} and enum member {@code TL_X = n} of core/protocol.h. */
    static Map<String, Integer> protocolH() throws Exception {
        Map<String, Integer> c = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*(?:#define\\s+(TL_\\w+)\\s+|(TL_\\w+)\\s*=\\s*)(0x[0-9A-Fa-f]+|\\d+)u?\\b")
                .matcher(Files.readString(FIRMWARE.resolve("core/protocol.h")));
        while (m.find()) {
            c.put(m.group(1) != null ? m.group(1) : m.group(2), Long.decode(m.group(3)).intValue());
        }
        return c;
    }

    @Test
    void theHostsConstantsAreTheFirmwaresOwn() throws Exception {
        Map<String, Integer> h = protocolH();
        Map<String, Integer> java = new LinkedHashMap<>();
        java.put("TL_PROTOCOL_VERSION", Frame.VERSION);
        java.put("TL_PROTOCOL_MINOR", Frame.MINOR);
        java.put("TL_HEADER_LEN", Frame.HEADER);
        java.put("TL_MAX_PAYLOAD", Frame.MAX_PAYLOAD);
        java.put("TL_HELLO", Frame.HELLO);
        java.put("TL_SET_PARAMS", Frame.SET_PARAMS);
        java.put("TL_ARM", Frame.ARM);
        java.put("TL_FIRE_BATCH", Frame.FIRE_BATCH);
        java.put("TL_READ_RESULT", Frame.READ_RESULT);
        java.put("TL_STATUS", Frame.STATUS);
        java.put("TL_RESET", Frame.RESET);
        java.put("TL_REF_PULSE", Frame.REF_PULSE);
        java.put("TL_REPLY", Frame.REPLY);
        java.put("TL_ERROR", Frame.ERROR);
        java.put("TL_E_UNKNOWN_TYPE", BenchProtocolException.UNKNOWN_TYPE);
        java.put("TL_E_BAD_PAYLOAD", BenchProtocolException.BAD_PAYLOAD);
        java.put("TL_E_BAD_INDEX", BenchProtocolException.BAD_INDEX);
        java.put("TL_E_CODE_RANGE", BenchProtocolException.CODE_RANGE);
        java.put("TL_E_SAFETY_LIMIT", BenchProtocolException.SAFETY_LIMIT);
        java.put("TL_E_NOT_ARMED", BenchProtocolException.NOT_ARMED);
        java.put("TL_E_INTERLOCK", BenchProtocolException.INTERLOCK);
        java.put("TL_E_BATCH_TOO_LARGE", BenchProtocolException.BATCH_TOO_LARGE);
        java.put("TL_E_DELAY_RANGE", BenchProtocolException.DELAY_RANGE);
        java.put("TL_E_NO_RESULT", BenchProtocolException.NO_RESULT);
        java.put("TL_E_VERSION", BenchProtocolException.VERSION);
        java.put("TL_E_HARDWARE", BenchProtocolException.HARDWARE);
        java.forEach((name, value) -> assertEquals(h.get(name), value, name));
        assertEquals(h.get("TL_HEADER_LEN") + h.get("TL_MAX_PAYLOAD") + h.get("TL_CRC_LEN"), Frame.MAX_BODY);
        assertEquals(12, h.keySet().stream().filter(k -> k.startsWith("TL_E_")).count(), "every error code has a Java constant");
    }

    @Test
    void theCorePassesItsProtocolChecks() throws Exception {
        Process p = new ProcessBuilder("make", "-s", "-C", FIRMWARE.toString(), "check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "make check finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("core-check: ok") && out.contains("oracle-check: ok") && out.contains("protocol-check: ok"), out);
    }
}
