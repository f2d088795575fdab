package org.tileloop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A chart as the SVG (XML) parser sees it: its texts, its straight line segments and their colours. */
public final class SvgCheck {

    /** A text element and where it starts. */
    public record Text(double x, double y, String text) {
    }

    /** A {@code <line>} element. */
    public record Segment(double x1, double y1, double x2, double y2, String stroke, boolean dashed) {
    }

    private static final Pattern DECADE = Pattern.compile("10(⁻?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)");
    private static final Pattern STROKE = Pattern.compile("(?:^|;)stroke:(rgb\\([0-9,]+\\))");

    private final Document doc;

    private SvgCheck(Document doc) {
        this.doc = doc;
    }

    public static SvgCheck read(Path file) throws Exception {
        return parse(Files.readString(file));
    }

    public static SvgCheck parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertTrue(doc.getDocumentElement().getTagName().equals("svg"), "root element " + doc.getDocumentElement().getTagName());
        return new SvgCheck(doc);
    }

    public List<Text> texts() {
        List<Text> out = new ArrayList<>();
        NodeList n = doc.getElementsByTagName("text");
        for (int i = 0; i < n.getLength(); i++) {
            Element e = (Element) n.item(i);
            out.add(new Text(number(e, "x"), number(e, "y"), e.getTextContent()));
        }
        return out;
    }

    public List<String> strings() {
        return texts().stream().map(Text::text).toList();
    }

    /** The exponents of the {@code 10ⁿ} tick labels, in document order. */
    public List<Integer> decades() {
        List<Integer> out = new ArrayList<>();
        for (String t : strings()) {
            Matcher m = DECADE.matcher(t);
            if (m.matches()) {
                StringBuilder digits = new StringBuilder();
                m.group(2).chars().forEach(c -> digits.append("⁰¹²³⁴⁵⁶⁷⁸⁹".indexOf(c)));
                out.add((m.group(1).isEmpty() ? 1 : -1) * Integer.parseInt(digits.toString()));
            }
        }
        return out;
    }

    /** The {@code <line>} segments drawn in {@code colour}. */
    public List<Segment> lines(Color colour) {
        List<Segment> out = new ArrayList<>();
        NodeList n = doc.getElementsByTagName("line");
        for (int i = 0; i < n.getLength(); i++) {
            Element e = (Element) n.item(i);
            String style = e.getAttribute("style");
            Matcher m = STROKE.matcher(style);
            if (m.find() && m.group(1).equals(rgb(colour))) {
                out.add(new Segment(number(e, "x1"), number(e, "y1"), number(e, "x2"), number(e, "y2"), m.group(1),
                        style.contains("stroke-dasharray")));
            }
        }
        return out;
    }

    public static String rgb(Color c) {
        return "rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
    }

    /**
     * Chart {@code file} of run directory {@code run} with the run id (the directory's name)
     * replaced by {@code <run-id>}, after checking that the title starts with it.
     */
    public static String withoutRunId(Path run, String file) throws java.io.IOException {
        String svg = Files.readString(run.resolve(file));
        String id = run.getFileName().toString();
        assertTrue(svg.contains(">" + id + " · "), file + " of " + run + " is not titled with its run id");
        return svg.replace(id, "<run-id>");
    }

    private static double number(Element e, String attribute) {
        String v = e.getAttribute(attribute);
        return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }
}
