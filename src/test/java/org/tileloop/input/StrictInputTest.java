package org.tileloop.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictInputTest {

    @TempDir
    Path dir;

    String refusal(String yaml) throws Exception {
        Path f = dir.resolve("f.yaml");
        Files.writeString(f, yaml);
        return assertThrows(BadInputException.class, () -> StrictInput.yamlFile(f, "test file")).getMessage();
    }

    String jsonRefusal(String json) {
        return assertThrows(BadInputException.class,
                () -> StrictInput.json(json.getBytes(StandardCharsets.UTF_8), 16384, "t/cmd")).getMessage();
    }

    @Test
    void aTrailingNewlineInANameIsRefusedWhereASchemaDollarWouldLetItPass() throws Exception {
        assertTrue(refusal("channels:\n  - {name: \"n0\\n\"}\n").endsWith("f.yaml: channels[0].name: value contains control character U+000A"));
        assertTrue(jsonRefusal("{\"rig\":\"sim\\u2028\"}").endsWith("t/cmd: rig: value contains control character U+2028"));
        assertTrue(jsonRefusal("{\"r\\u0000ig\":1}").contains("key contains control character U+0000"));
    }

    @Test
    void integersAreExactAndNumbersFinite() throws Exception {
        assertTrue(jsonRefusal("{\"seed\":18446744073709551621}").endsWith("t/cmd: seed: 18446744073709551621 is out of range for an integer"
                + " (at most 9223372036854775807 in magnitude)"));
        assertEquals(9223372036854775807L, StrictInput.json("{\"seed\":9223372036854775807}".getBytes(StandardCharsets.UTF_8), 100, "t")
                .get("seed").asLong());
        assertTrue(jsonRefusal("{\"d\":[1e999]}").endsWith("t/cmd: d[0]: must be a finite number, not Infinity"));
        assertTrue(refusal("x: .nan\n").contains("Malformed numeric value '.nan' at x"));
    }

    @Test
    void duplicateKeysAreErrorsInYamlAndJson() throws Exception {
        assertTrue(refusal("iterations: 6\niterations: 3\n").contains("Duplicate field 'iterations'"));
        assertTrue(jsonRefusal("{\"command\":\"jobs\",\"command\":\"submit\"}").contains("Duplicate field 'command'"));
    }

    @Test
    void sizeAndNestingAreLimitedBeforeAnythingIsBuilt() throws Exception {
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[(int) StrictInput.MAX_FILE_BYTES + 1]);
        assertEquals(big + ": test file of 1048577 bytes exceeds the limit of 1048576 bytes",
                assertThrows(BadInputException.class, () -> StrictInput.yamlFile(big, "test file")).getMessage());
        assertTrue(refusal("a: " + "[".repeat(100)).contains("not valid YAML"));
        assertTrue(jsonRefusal("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}").contains("not valid JSON"));
    }

    @Test
    void libraryMessagesLoseTheirJavaClassNames() {
        assertEquals("Cannot deserialize value of type from String \"x\"",
                StrictInput.oneLine("Cannot deserialize value of type `java.lang.Integer` from String \"x\"\n at [Source: x]"));
        assertEquals("bad", StrictInput.oneLine("bad (through reference chain: org.tileloop.train.TrainingConfig[\"x\"])"));
    }
}
