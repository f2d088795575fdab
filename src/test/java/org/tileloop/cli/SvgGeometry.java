package org.tileloop.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a JFreeSVG chart draws, read back from its SVG text: text elements, marker centres, straight-line fits. */
final class SvgGeometry {

    private SvgGeometry() {
    }

    static List<String> texts(String svg) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<text[^>]*>([^<]*)</text>").matcher(svg);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static double textY(String svg, String text) {
        Matcher m = Pattern.compile("<text[^>]* y='([-0-9.]+)'[^>]*>" + Pattern.quote(text) + "</text>").matcher(svg);
        assertTrue(m.find(), text);
        return Double.parseDouble(m.group(1));
    }

    /** Centres of the filled shapes drawn in {@code colour} (series markers and its legend marker). */
    static List<double[]> markers(String svg, Color colour) {
        String fill = "fill:rgb(" + colour.getRed() + "," + colour.getGreen() + "," + colour.getBlue() + ");stroke:none";
        Matcher m = Pattern.compile("<g style='" + Pattern.quote(fill) + "'[^>]*><path d='([^']*)'/></g>").matcher(svg);
        List<double[]> centres = new ArrayList<>();
        while (m.find()) {
            Matcher n = Pattern.compile("(-?[0-9.]+),(-?[0-9.]+)").matcher(m.group(1));
            double[] box = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
            while (n.find()) {
                double px = Double.parseDouble(n.group(1));
                double py = Double.parseDouble(n.group(2));
                box = new double[] {Math.min(box[0], px), Math.min(box[1], py), Math.max(box[2], px), Math.max(box[3], py)};
            }
            centres.add(new double[] {(box[0] + box[2]) / 2, (box[1] + box[3]) / 2});
        }
        return centres;
    }

    /** The largest residual of the least-squares line through (u, v). */
    static double fitResidual(double[] u, double[] v) {
        double mu = Arrays.stream(u).average().orElseThrow();
        double mv = Arrays.stream(v).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < u.length; i++) {
            sxy += (u[i] - mu) * (v[i] - mv);
            sxx += (u[i] - mu) * (u[i] - mu);
        }
        double slope = sxy / sxx;
        double worst = 0;
        for (int i = 0; i < u.length; i++) {
            worst = Math.max(worst, Math.abs(v[i] - (mv + slope * (u[i] - mu))));
        }
        return worst;
    }
}
