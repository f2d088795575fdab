package org.tileloop.calibration;

import java.awt.Color;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.tileloop.plot.Charts;
import org.tileloop.plot.Palette;
import org.tileloop.rig.ChannelSpec;
import org.tileloop.rig.file.CalibrationSettings;
import org.tileloop.rig.Rig;

/**
 * The calibration procedure: sweep the reference delays {@code repeats} times through the rig's
 * reference path, fit raw = offset + gain · true per channel by least squares (Commons Math
 * {@link SimpleRegression}), and report residual RMS, largest residual and R².
 */
public final class Calibrator {

    private Calibrator() {
    }

    /**
     * @param progress called with the number of reference measurements done so far
     * @return the record (check {@link CalibrationRecord#accepted()} before using it)
     */
    public static CalibrationRecord run(Rig rig, CalibrationSettings settings, String id, String tileloopVersion,
                                        IntConsumer progress) {
        List<ChannelSpec> channels = rig.description().channels();
        List<List<double[]>> points = new ArrayList<>();
        channels.forEach(c -> points.add(new ArrayList<>()));
        int done = 0;
        for (int r = 0; r < settings.repeats(); r++) {
            for (double delay : settings.referenceDelaysNs()) {
                List<Double> raw = rig.measureReference(delay);
                for (int c = 0; c < channels.size(); c++) {
                    points.get(c).add(new double[] {delay, raw.get(c)});
                }
                progress.accept(++done);
            }
        }
        return fit(rig, settings, id, tileloopVersion, points);
    }

    static CalibrationRecord fit(Rig rig, CalibrationSettings settings, String id, String tileloopVersion,
                                 List<List<double[]>> points) {
        List<ChannelSpec> channels = rig.description().channels();
        List<CalibrationRecord.ChannelFit> fits = new ArrayList<>();
        for (int c = 0; c < channels.size(); c++) {
            SimpleRegression reg = new SimpleRegression(true);
            points.get(c).forEach(p -> reg.addData(p[0], p[1]));
            double offset = reg.getIntercept();
            double gain = reg.getSlope();
            double sq = 0;
            double max = 0;
            for (double[] p : points.get(c)) {
                double residualPs = (p[1] - (offset + gain * p[0])) * 1000;
                sq += residualPs * residualPs;
                max = Math.max(max, Math.abs(residualPs));
            }
            fits.add(new CalibrationRecord.ChannelFit(channels.get(c).name(), offset, gain, Math.sqrt(sq / points.get(c).size()),
                    max, reg.getRSquare(), List.copyOf(points.get(c))));
        }
        var p = rig.provenance();
        return new CalibrationRecord(CalibrationRecord.SCHEMA_VERSION, id, rig.description().id(),
                rig.description().kind().name().toLowerCase(Locale.ROOT), p.getOrDefault("bench_board_id", "simulated"),
                p.getOrDefault("bench_firmware", p.getOrDefault("simulator", "") + " " + p.getOrDefault("simulator_version", "")).strip(),
                p.containsKey("temperature_c") ? Double.valueOf(p.get("temperature_c")) : null, Instant.now().toString(),
                settings.maxAgeHours(), settings.referenceDelaysNs(), settings.repeats(), settings.maxResidualPs(),
                tileloopVersion, fits);
    }

    /** A per-channel table: offset, gain (ppm), residual RMS and max, R², verdict. */
    public static String report(CalibrationRecord r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "calibration %s (rig %s, board %s, %s)%n", r.id(), r.rigId(), r.boardId(), r.firmwareVersion()));
        s.append(String.format(Locale.ROOT, "%d reference delays x %d repeats; valid from %s for %s h; residual limit %s ps%n",
                r.referenceDelaysNs().size(), r.repeats(), java.time.Instant.parse(r.validFrom()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS), fmt(r.maxAgeHours()), fmt(r.maxResidualPs())));
        s.append(String.format(Locale.ROOT, "%-8s %12s %12s %12s %12s %10s  %s%n", "channel", "offset_ns", "gain_ppm", "rms_ps",
                "max_ps", "r2", "verdict"));
        for (CalibrationRecord.ChannelFit c : r.channels()) {
            s.append(String.format(Locale.ROOT, "%-8s %12.4f %12.1f %12.2f %12.2f %10.7f  %s%n", c.channel(), c.offsetNs(),
                    (c.gain() - 1) * 1e6, c.residualRmsPs(), c.maxResidualPs(), c.rSquared(),
                    c.maxResidualPs() <= r.maxResidualPs() ? "ok" : "REJECTED"));
        }
        return s.toString();
    }

    private static String fmt(double v) {
        return org.tileloop.rig.Numbers.plain(v);
    }

    /**
     * Residual (ps) against reference delay, one series per channel in {@link Palette#series}
     * colours, each channel shifted sideways by a fraction of the delay spacing so that channels
     * measured at the same delay do not hide each other; the residual limit as dashed lines when it
     * lies within reach of the data.
     */
    public static String residualsSvg(CalibrationRecord r) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Double> delays = r.referenceDelaysNs().stream().distinct().sorted().toList();
        double spacing = 1;
        for (int i = 1; i < delays.size(); i++) {
            spacing = i == 1 ? delays.get(1) - delays.get(0) : Math.min(spacing, delays.get(i) - delays.get(i - 1));
        }
        int n = r.channels().size();
        double largest = 0;
        List<Color> colours = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            CalibrationRecord.ChannelFit fit = r.channels().get(c);
            double shift = (c - (n - 1) / 2.0) * 0.5 * spacing / n;
            XYSeries s = new XYSeries(fit.channel(), false, true);
            for (double[] p : fit.points()) {
                double residualPs = (p[1] - (fit.offsetNs() + fit.gain() * p[0])) * 1000;
                s.add(p[0] + shift, residualPs);
                largest = Math.max(largest, Math.abs(residualPs));
            }
            data.addSeries(s);
            colours.add(Palette.series(c));
        }
        NumberAxis residual = Charts.linearAxis("residual (ps)");
        boolean limitShown = r.maxResidualPs() <= 3 * largest;
        double half = 1.12 * Math.max(limitShown ? r.maxResidualPs() : 0, Math.max(largest, 1e-3));
        residual.setRange(-half, half);
        XYPlot plot = Charts.panel(new XYPlot(data, Charts.linearAxis("reference delay (ns; channels drawn side by side)"),
                residual, Charts.dots(colours)));
        plot.addRangeMarker(new org.jfree.chart.plot.ValueMarker(0, Palette.REFERENCE, new java.awt.BasicStroke(1f)));
        String limit = "limit ±" + fmt(r.maxResidualPs()) + " ps";
        if (limitShown) {
            Charts.referenceLine(plot, r.maxResidualPs(), limit, true);
            Charts.referenceLine(plot, -r.maxResidualPs(), "−" + limit.substring("limit ±".length()), false);
        }
        String sub = "residual = raw − (offset + gain · reference), " + r.repeats() + " repeats per delay; " + limit
                + (limitShown ? " (dashed)" : ", beyond the plotted range");
        return Charts.svg(Charts.chart("Calibration residuals " + r.id(), sub, plot, true), 820, 520, "cal");
    }
}
