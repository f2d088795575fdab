package org.tileloop.rig.spice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The element lines of a template already passed by {@link NetlistGuard}, split into scopes (the
 * top level and each {@code .subckt}) with each element's nodes: what {@link NetlistSurvey} reads
 * to guess a rig file. Names and nodes are lower case (ngspice ignores case); {@link #spelled} and
 * {@link #spelledElement} give them as the template first writes them.
 */
record NetlistElements(Scope top, Map<String, Scope> subckts, Map<String, String> modelTypes, Map<String, String> nodeSpelling,
                       Map<String, String> elementSpelling) {

    /** One element line: its name, its nodes in order, its other tokens, where it starts. */
    record Element(String name, List<String> nodes, List<String> rest, int line) {
        char letter() {
            return name.charAt(0);
        }

        /** The token after the nodes (a value, model or subcircuit name), if any. */
        Optional<String> firstRest() {
            return rest.isEmpty() ? Optional.empty() : Optional.of(rest.get(0));
        }
    }

    /** The top level ({@code name} empty, no ports) or one subcircuit. */
    record Scope(String name, List<String> ports, List<Element> elements) {
    }

    static final List<String> GROUND = List.of("0", "gnd");
    private static final Pattern SPACED_EQUALS = Pattern.compile("\\s*=\\s*");
    private static final Pattern BRACED = Pattern.compile("\\{[^{}]*}");
    private static final Pattern NUMBER = Pattern.compile("([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?)(meg|mil|t|g|k|m|u|n|p|f)?[a-z]*");

    static NetlistElements parse(String body) {
        List<Logical> logical = logicalLines(body);
        Scope top = new Scope("", List.of(), new ArrayList<>());
        Map<String, Scope> subckts = new LinkedHashMap<>();
        Map<String, String> models = new LinkedHashMap<>();
        Map<String, String> spelling = new LinkedHashMap<>();
        Map<String, String> elementSpelling = new LinkedHashMap<>();
        Scope current = top;
        for (Logical l : logical) {
            int line = l.line();
            String original = l.text();
            List<String> t = tokens(original.toLowerCase(Locale.ROOT));
            List<String> raw = tokens(original);
            String first = t.get(0);
            if (first.equals(".subckt") && t.size() > 1) {
                List<String> ports = new ArrayList<>();
                for (int i = 2; i < t.size() && !t.get(i).contains("=") && !t.get(i).equals("params:"); i++) {
                    ports.add(t.get(i));
                }
                current = new Scope(t.get(1), ports, new ArrayList<>());
                subckts.put(t.get(1), current);
            } else if (first.equals(".ends")) {
                current = top;
            } else if (first.equals(".model") && t.size() > 2) {
                models.put(t.get(1), t.get(2).replaceFirst("\\(.*", ""));
            } else if (!first.startsWith(".")) {
                elementSpelling.putIfAbsent(first, raw.get(0));
                int n = nodeCount(t, models);
                List<String> nodes = t.subList(1, Math.min(t.size(), 1 + n));
                for (int i = 0; i < nodes.size(); i++) {
                    if (current == top) {
                        spelling.putIfAbsent(nodes.get(i), raw.get(1 + i));
                    }
                }
                current.elements().add(new Element(first, List.copyOf(nodes), List.copyOf(t.subList(Math.min(t.size(), 1 + n), t.size())), line));
            }
        }
        return new NetlistElements(top, subckts, models, spelling, elementSpelling);
    }

    /** A template line joined with its {@code +} continuations, without comments; {@code line} is its first line's number. */
    private record Logical(int line, String text) {
    }

    private static List<Logical> logicalLines(String body) {
        List<Logical> out = new ArrayList<>();
        List<String> lines = body.lines().toList();
        for (int n = 0; n < lines.size(); n++) {
            String line = stripInlineComment(lines.get(n)).strip();
            if (line.isEmpty() || line.startsWith("*")) {
                continue;
            }
            if (line.startsWith("+") && !out.isEmpty()) {
                Logical last = out.get(out.size() - 1);
                out.set(out.size() - 1, new Logical(last.line(), last.text() + " " + line.substring(1)));
            } else if (!line.startsWith("+")) {
                out.add(new Logical(n + 1, line));
            }
        }
        return out;
    }

    private static String stripInlineComment(String line) {
        int semicolon = line.indexOf(';');
        String s = semicolon >= 0 ? line.substring(0, semicolon) : line;
        Matcher dollar = Pattern.compile("\\s\\$").matcher(s);
        return dollar.find() ? s.substring(0, dollar.start()) : s;
    }

    /** Whitespace-separated tokens with {@code a = b} joined to {@code a=b}, braces kept whole and brackets as spaces. */
    static List<String> tokens(String text) {
        Matcher m = BRACED.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(m.group().replaceAll("\\s+", "")));
        }
        m.appendTail(b);
        String s = SPACED_EQUALS.matcher(b.toString()).replaceAll("=");
        List<String> out = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        int depth = 0;
        for (char c : s.toCharArray()) {
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            boolean separator = depth == 0 && (Character.isWhitespace(c) || c == '(' || c == ')' || c == ',');
            if (!separator) {
                token.append(c);
            } else if (token.length() > 0) {
                out.add(token.toString());
                token.setLength(0);
            }
        }
        if (token.length() > 0) {
            out.add(token.toString());
        }
        return out;
    }

    /** How many nodes an element line starts with, by device letter (subcircuit calls: up to the subcircuit name). */
    private static int nodeCount(List<String> t, Map<String, String> models) {
        return switch (t.get(0).charAt(0)) {
            case 'r', 'c', 'l', 'v', 'i', 'd', 'f', 'h', 'b', 'w' -> 2;
            case 'e', 'g', 'm', 's', 't', 'o' -> 4;
            case 'j', 'z', 'u' -> 3;
            case 'q' -> t.size() > 5 && !models.containsKey(t.get(4)) && models.containsKey(t.get(5)) ? 4 : 3;
            case 'x' -> {
                int end = 1;
                while (end < t.size() && !t.get(end).contains("=") && !t.get(end).equals("params:")) {
                    end++;
                }
                yield Math.max(0, end - 2);
            }
            default -> 0;
        };
    }

    /** A SPICE number with an optional scale suffix ({@code 1.8}, {@code 100f}, {@code 2meg}), else empty. */
    static OptionalDouble number(String token) {
        Matcher m = NUMBER.matcher(token.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return OptionalDouble.empty();
        }
        double scale = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "t" -> 1e12;
            case "g" -> 1e9;
            case "meg" -> 1e6;
            case "k" -> 1e3;
            case "mil" -> 25.4e-6;
            case "m" -> 1e-3;
            case "u" -> 1e-6;
            case "n" -> 1e-9;
            case "p" -> 1e-12;
            default -> 1e-15;
        };
        return OptionalDouble.of(Double.parseDouble(m.group(1)) * scale);
    }

    /** A top-level node as the template first writes it. */
    String spelled(String node) {
        return nodeSpelling.getOrDefault(node, node);
    }

    /** An element name as the template writes it. */
    String spelledElement(String name) {
        return elementSpelling.getOrDefault(name, name);
    }

    static boolean isGround(String node) {
        return GROUND.contains(node);
    }
}
