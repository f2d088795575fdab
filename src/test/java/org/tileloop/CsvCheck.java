package org.tileloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parses a CSV the tool wrote with a strict RFC 4180 parser and checks every row has the header's column count. */
public final class CsvCheck {
    private CsvCheck() {
    }

    /** @return the rows, header first */
    public static List<String[]> rectangular(Path csv) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = new CsvMapper().readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                .with(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS).readValues(csv.toFile())) {
            it.forEachRemaining(rows::add);
        }
        assertTrue(rows.size() >= 2, csv + ": header and at least one row");
        for (int i = 1; i < rows.size(); i++) {
            assertEquals(rows.get(0).length, rows.get(i).length, csv + ": row " + (i + 1) + " has " + rows.get(i).length + " columns");
        }
        return rows;
    }

    /** The rows of an iterations.csv without its first column, {@code time}, after checking each is an ISO-8601 UTC instant. */
    public static List<String> withoutTime(Path iterations) throws java.io.IOException {
        List<String> rows = Files.readAllLines(iterations);
        assertTrue(rows.get(0).startsWith("time,iteration,"), rows.get(0));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] cells = rows.get(i).split(",", 2);
            if (i > 0) {
                java.time.Instant t = java.time.Instant.parse(cells[0]);
                assertTrue(cells[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), cells[0]);
                assertTrue(t.isAfter(java.time.Instant.parse("2020-01-01T00:00:00Z")), cells[0]);
            }
            out.add(cells[1]);
        }
        return out;
    }
}
