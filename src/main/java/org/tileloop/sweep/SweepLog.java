package org.tileloop.sweep;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.tileloop.input.BadInputException;
import org.tileloop.rig.ChannelResult;
import org.tileloop.rig.Numbers;
import org.tileloop.rig.ParameterVector;
import org.tileloop.rig.StimulusResult;
import org.tileloop.run.CsvRows;

/**
 * A sweep's tidy {@code points.csv}: one row per point, delay and channel ({@code point}, the
 * swept parameters, {@code delay_ns}, {@code channel}, {@code first_spike_ns},
 * {@code first_spike_raw_ns}, {@code spike_count}, {@code energy_pj}; empty where a channel did
 * not fire or a value is unknown). Rows are appended a batch of points at a time and fsynced;
 * reopening keeps every complete point, in order, and cuts anything after the last one.
 * Not thread-safe.
 */
final class SweepLog implements AutoCloseable {

    private final FileChannel channel;
    private final int finished;

    private SweepLog(FileChannel channel, int finished) {
        this.channel = channel;
        this.finished = finished;
    }

    static String header(SweepSpec spec) {
        List<String> h = new ArrayList<>(List.of("point"));
        spec.axes().forEach(a -> h.add(a.name()));
        h.addAll(List.of("delay_ns", "channel", "first_spike_ns", "first_spike_raw_ns", "spike_count", "energy_pj"));
        return CsvRows.row(h);
    }

    /**
     * Opens (or creates) {@code file} for {@code points}: the complete points already in it are
     * kept when they are the first points of this spec, with their values, in order.
     *
     * @throws BadInputException when the file belongs to another sweep
     */
    static SweepLog open(Path file, SweepSpec spec, List<ParameterVector> points, int channels) throws IOException {
        String header = header(spec);
        int rowsPerPoint = spec.delaysNs().size() * channels;
        long keep = 0;
        int finished = 0;
        if (Files.exists(file) && Files.size(file) > 0) {
            List<String> lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1));
            if (!(lines.get(0) + "\n").equals(header)) {
                throw new BadInputException(file + ": its columns are not this sweep's (" + header.strip() + ")");
            }
            keep = header.getBytes(StandardCharsets.UTF_8).length;
            int complete = (lines.size() - 2) / rowsPerPoint;
            for (int p = 0; p < Math.min(complete, points.size()); p++) {
                long len = 0;
                for (int r = 0; r < rowsPerPoint; r++) {
                    String line = lines.get(1 + p * rowsPerPoint + r);
                    if (!line.startsWith(prefix(spec, p, points.get(p)))) {
                        throw new BadInputException(file + ": line " + (2 + p * rowsPerPoint + r) + " is not point " + p + " of this sweep");
                    }
                    len += line.getBytes(StandardCharsets.UTF_8).length + 1;
                }
                keep += len;
                finished++;
            }
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        ch.truncate(keep);
        ch.position(keep);
        SweepLog log = new SweepLog(ch, finished);
        if (keep == 0) {
            log.append(header);
        }
        return log;
    }

    /** Complete points at the start of the file when it was opened. */
    int finished() {
        return finished;
    }

    private static String prefix(SweepSpec spec, int index, ParameterVector point) {
        List<String> cells = new ArrayList<>(List.of(Integer.toString(index)));
        spec.axes().forEach(a -> cells.add(Numbers.plain(point.get(a.name()))));
        return CsvRows.row(cells).stripTrailing() + ",";
    }

    /** The rows of point {@code index} ({@code point}'s values) measured at the spec's delays, in delay order. */
    static String rows(SweepSpec spec, int index, ParameterVector point, List<StimulusResult> results) {
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < results.size(); d++) {
            StimulusResult r = results.get(d);
            for (ChannelResult c : r.channels()) {
                List<String> cells = new ArrayList<>(List.of(Integer.toString(index)));
                spec.axes().forEach(a -> cells.add(Numbers.plain(point.get(a.name()))));
                cells.add(Numbers.plain(spec.delaysNs().get(d)));
                cells.add(c.name());
                cells.add(c.firstSpike().map(t -> Numbers.plain(t.calibratedNs())).orElse(""));
                cells.add(c.firstSpike().map(t -> Numbers.plain(t.rawNs())).orElse(""));
                cells.add(c.spikeCount().isPresent() ? Integer.toString(c.spikeCount().getAsInt()) : "");
                cells.add(r.energyPj().isPresent() ? Numbers.plain(r.energyPj().getAsDouble()) : "");
                b.append(CsvRows.row(cells));
            }
        }
        return b.toString();
    }

    /** Appends and fsyncs. */
    void append(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
