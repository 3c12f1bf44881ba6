package dev.hearth.local.internal.template;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON text exactly as Python's {@code json.dumps} writes it, which is what Hugging Face's {@code tojson} filter (and
 * llama.cpp's template engine, which copies it) produce: {@code ", "} and {@code ": "} separators when not indenting,
 * {@code ","} at line ends and {@code ": "} when indenting, {@code []}/{@code {}} for empty containers, and
 * non-ASCII characters written as themselves ({@code ensure_ascii=False}). Chat templates print tool schemas and
 * arguments with it, and a model was trained on exactly these bytes.
 */
final class PythonJson {
    private PythonJson() {
    }

    /**
     * @param indent   spaces per level, or empty for the single-line form
     * @param sortKeys sort object keys (Python's {@code sort_keys=True}); otherwise insertion order is kept
     */
    static String dumps(Object value, Optional<Integer> indent, boolean sortKeys) {
        return dumps(value, indent, sortKeys, false);
    }

    /** As {@link #dumps(Object, Optional, boolean)}; {@code ensureAscii} writes non-ASCII as {@code \\uXXXX}. */
    static String dumps(Object value, Optional<Integer> indent, boolean sortKeys, boolean ensureAscii) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent.orElse(-1), 0, sortKeys);
        return ensureAscii ? asciiOnly(out) : out.toString();
    }

    /** Python escapes every non-ASCII UTF-16 unit, surrogate pairs as two escapes. */
    private static String asciiOnly(CharSequence json) {
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent, int depth, boolean sortKeys) {
        Object plain = TemplateValues.unwrap(value);
        switch (plain) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Double d -> out.append(pythonFloat(d));
            case Float f -> out.append(pythonFloat(f.doubleValue()));
            case BigDecimal d -> out.append(d.toPlainString());
            case BigInteger i -> out.append(i);
            case Number n -> out.append(n.longValue());
            case CharSequence s -> quote(out, s.toString());
            case Character c -> quote(out, c.toString());
            case Map<?, ?> map -> writeObject(out, map, indent, depth, sortKeys);
            case Iterable<?> items -> {
                List<Object> list = new ArrayList<>();
                items.forEach(list::add);
                writeArray(out, list, indent, depth, sortKeys);
            }
            default -> {
                if (plain.getClass().isArray()) {
                    List<Object> list = new ArrayList<>();
                    for (int i = 0; i < Array.getLength(plain); i++) {
                        list.add(Array.get(plain, i));
                    }
                    writeArray(out, list, indent, depth, sortKeys);
                } else {
                    quote(out, plain.toString());
                }
            }
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, int indent, int depth, boolean sortKeys) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (sortKeys) {
            entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : entries) {
            if (!first) {
                out.append(indent >= 0 ? "," : ", ");
            }
            first = false;
            newline(out, indent, depth + 1);
            quote(out, String.valueOf(entry.getKey()));
            out.append(": ");
            write(out, entry.getValue(), indent, depth + 1, sortKeys);
        }
        newline(out, indent, depth);
        out.append('}');
    }

    private static void writeArray(StringBuilder out, List<Object> list, int indent, int depth, boolean sortKeys) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(indent >= 0 ? "," : ", ");
            }
            newline(out, indent, depth + 1);
            write(out, list.get(i), indent, depth + 1, sortKeys);
        }
        newline(out, indent, depth);
        out.append(']');
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').repeat(' ', indent * depth);
        }
    }

    /** Python's float repr: integral values keep ".0", others the shortest round-tripping digits. */
    private static String pythonFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e16) {
            return new BigDecimal(value).toPlainString() + ".0";
        }
        String java = Double.toString(value);
        if (java.contains("E")) {
            // Java "1.0E-5" -> Python "1e-05"
            String[] parts = java.split("E");
            String mantissa = parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
            int exponent = Integer.parseInt(parts[1]);
            if (exponent >= -4 && exponent < 16) {
                return new BigDecimal(java).toPlainString();
            }
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        return java;
    }

    static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
