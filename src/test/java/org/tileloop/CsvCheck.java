package org.tileloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
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
}
