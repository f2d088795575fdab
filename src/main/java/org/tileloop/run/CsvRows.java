package org.tileloop.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.util.List;

/**
 * The one way tileloop writes a CSV row: RFC 4180 through Jackson's CSV module (comma-separated,
 * a cell quoted only when it holds a comma, quote or line end; {@code "\n"} line ends), so every
 * file loads with {@code pandas.read_csv}. Thread-safe.
 */
public final class CsvRows {

    private static final ObjectWriter WRITER = new CsvMapper().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .writerFor(String[].class).with(CsvSchema.emptySchema().withLineSeparator("\n"));

    private CsvRows() {
    }

    /** One line, ending with {@code "\n"}. */
    public static String row(List<String> cells) {
        try {
            return WRITER.writeValueAsString(cells.toArray(String[]::new));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("CSV row " + cells, e);
        }
    }

    public static String row(String... cells) {
        return row(List.of(cells));
    }
}
