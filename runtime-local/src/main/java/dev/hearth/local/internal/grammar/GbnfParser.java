package dev.hearth.local.internal.grammar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a GBNF grammar as llama.cpp defines it ({@code grammars/README.md} there) and compiles it to a {@link Grammar}
 * starting at the rule {@code root}:
 * <pre>{@code
 * root   ::= answer ("," ws answer)*      # a comment
 * answer ::= "yes" | "no" | [0-9]{1,3}
 * ws     ::= [ \t\n]*
 * }</pre>
 * Rules are {@code name ::= alternatives}; alternatives are separated by {@code |}; a sequence holds string literals
 * ({@code "..."} with escapes <code>\n \r \t \\ \" &#92;xHH &#92;uHHHH &#92;UHHHHHHHH</code>), character classes ({@code [a-z]},
 * {@code [^"\\]}), {@code .} (any character), rule names and groups {@code ( ... )}, each optionally followed by
 * {@code ?}, {@code *}, {@code +} or {@code {m}}, {@code {m,}}, {@code {m,n}}, {@code {,n}}. A rule ends at the end of
 * its line unless inside parentheses or after {@code |}; as a small extension, a line that starts with {@code |} also
 * continues the rule above.
 */
public final class GbnfParser {
    /** Repetition bounds above this are refused; llama.cpp's grammars stay far below it. */
    static final int MAX_REPEAT = 10_000;

    private final String text;
    private int pos;
    private final Map<String, Expr> rules = new LinkedHashMap<>();
    private final Map<String, Integer> firstUse = new LinkedHashMap<>();

    private GbnfParser(String text) {
        this.text = text;
    }

    /**
     * Compiles a GBNF grammar.
     *
     * @throws GbnfSyntaxException if it does not parse, a rule is used but not defined, a rule is defined twice, or
     *                             there is no {@code root} rule (line and column say where)
     * @throws GrammarException    if it is left-recursive or too large
     */
    public static Grammar compile(String gbnf) {
        GbnfParser parser = new GbnfParser(gbnf);
        parser.parseRules();
        GrammarBuilder builder = new GrammarBuilder();
        parser.rules.forEach(builder::rule);
        return builder.build("root");
    }

    private void parseRules() {
        skipBlank();
        while (pos < text.length()) {
            int ruleStart = pos;
            String name = parseName();
            skipSpaces(false);
            if (!text.startsWith("::=", pos)) {
                throw error(pos, "expected '::=' after rule name '" + name + "'");
            }
            pos += 3;
            skipSpaces(true);
            Expr body = parseAlternatives(false);
            if (rules.containsKey(name)) {
                throw error(ruleStart, "rule '" + name + "' is defined twice");
            }
            rules.put(name, body);
            if (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
                throw error(pos, "unexpected '" + text.charAt(pos) + "'");
            }
            skipBlank();
        }
        for (Map.Entry<String, Integer> use : firstUse.entrySet()) {
            if (!rules.containsKey(use.getKey())) {
                throw error(use.getValue(), "rule '" + use.getKey() + "' is used but never defined");
            }
        }
        if (!rules.containsKey("root")) {
            throw error(text.length(), "the grammar has no 'root' rule");
        }
    }

    private Expr parseAlternatives(boolean nested) {
        List<Expr> options = new ArrayList<>();
        options.add(parseSequence(nested));
        while (true) {
            if (pos < text.length() && text.charAt(pos) == '|') {
                pos++;
                skipSpaces(true);
                options.add(parseSequence(nested));
                continue;
            }
            if (!nested && continuesOnNextLine()) {
                continue;
            }
            break;
        }
        return options.size() == 1 ? options.getFirst() : new Expr.Alt(options);
    }

    /** At a line end of a top-level rule: true (and positioned on the '|') if the next line starts with '|'. */
    private boolean continuesOnNextLine() {
        int saved = pos;
        skipBlank();
        if (pos < text.length() && text.charAt(pos) == '|') {
            return true;
        }
        pos = saved;
        return false;
    }

    private Expr parseSequence(boolean nested) {
        List<Expr> items = new ArrayList<>();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            Expr item;
            if (c == '"') {
                item = parseLiteral();
            } else if (c == '[') {
                item = parseCharClass();
            } else if (c == '.') {
                pos++;
                item = new Expr.CharClass(List.of(), true);
            } else if (c == '(') {
                pos++;
                skipSpaces(true);
                item = parseAlternatives(true);
                if (pos >= text.length() || text.charAt(pos) != ')') {
                    throw error(pos, "expected ')'");
                }
                pos++;
            } else if (isNameChar(c)) {
                int at = pos;
                String name = parseName();
                firstUse.putIfAbsent(name, at);
                item = new Expr.Ref(name);
            } else {
                break;
            }
            skipSpaces(nested);
            item = parsePostfix(item, nested);
            items.add(item);
        }
        return items.size() == 1 ? items.getFirst() : new Expr.Seq(items);
    }

    private Expr parsePostfix(Expr item, boolean nested) {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '*') {
                item = Expr.star(item);
            } else if (c == '+') {
                item = new Expr.Repeat(item, 1, Expr.Repeat.UNBOUNDED);
            } else if (c == '?') {
                item = Expr.optional(item);
            } else if (c == '{') {
                item = parseBraces(item);
                skipSpaces(nested);
                continue;
            } else {
                return item;
            }
            pos++;
            skipSpaces(nested);
        }
        return item;
    }

    private Expr parseBraces(Expr item) {
        int open = pos++;
        skipSpaces(true);
        int min = 0;
        int max;
        boolean hasMin = pos < text.length() && Character.isDigit(text.charAt(pos));
        if (hasMin) {
            min = parseCount();
        }
        skipSpaces(true);
        if (pos < text.length() && text.charAt(pos) == ',') {
            pos++;
            skipSpaces(true);
            max = pos < text.length() && Character.isDigit(text.charAt(pos)) ? parseCount() : Expr.Repeat.UNBOUNDED;
        } else if (hasMin) {
            max = min;
        } else {
            throw error(pos, "expected a repetition count");
        }
        skipSpaces(true);
        if (pos >= text.length() || text.charAt(pos) != '}') {
            throw error(pos, "expected '}' to close the repetition opened at column " + column(open));
        }
        pos++;
        if (max != Expr.Repeat.UNBOUNDED && max < min) {
            throw error(open, "repetition {" + min + "," + max + "} has its maximum below its minimum");
        }
        return new Expr.Repeat(item, min, max);
    }

    private int parseCount() {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos - start > 6 || Integer.parseInt(text, start, pos, 10) > MAX_REPEAT) {
            throw error(start, "repetition count above " + MAX_REPEAT);
        }
        return Integer.parseInt(text, start, pos, 10);
    }

    private Expr parseLiteral() {
        int open = pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw error(open, "unterminated string literal");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            out.appendCodePoint(parseChar());
        }
        return out.isEmpty() ? Expr.EMPTY : Expr.literal(out.toString());
    }

    private Expr parseCharClass() {
        int open = pos++;
        boolean negated = pos < text.length() && text.charAt(pos) == '^';
        if (negated) {
            pos++;
        }
        List<int[]> ranges = new ArrayList<>();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw error(open, "unterminated character class");
            }
            if (text.charAt(pos) == ']') {
                pos++;
                break;
            }
            int from = parseChar();
            int to = from;
            if (pos + 1 < text.length() && text.charAt(pos) == '-' && text.charAt(pos + 1) != ']') {
                pos++;
                int at = pos;
                to = parseChar();
                if (to < from) {
                    throw error(at, "character range ends below its start");
                }
            }
            ranges.add(new int[] {from, to});
        }
        if (ranges.isEmpty() && !negated) {
            throw error(open, "empty character class");
        }
        return new Expr.CharClass(ranges, negated);
    }

    /** One character of a literal or class, with escapes; returns its code point. */
    private int parseChar() {
        char c = text.charAt(pos);
        if (c != '\\') {
            int codePoint = text.codePointAt(pos);
            pos += Character.charCount(codePoint);
            return codePoint;
        }
        int at = pos;
        if (pos + 1 >= text.length()) {
            throw error(at, "unfinished escape");
        }
        char e = text.charAt(pos + 1);
        pos += 2;
        return switch (e) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case '\\', '"', '[', ']', '-', '^', '/' -> e;
            case 'x' -> hex(2, at);
            case 'u' -> hex(4, at);
            case 'U' -> hex(8, at);
            default -> throw error(at, "unknown escape '\\" + e + "'");
        };
    }

    private int hex(int digits, int at) {
        if (pos + digits > text.length()) {
            throw error(at, "escape needs " + digits + " hex digits");
        }
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0) {
                throw error(pos + i, "escape needs " + digits + " hex digits");
            }
            value = value * 16 + digit;
        }
        pos += digits;
        if (value > Character.MAX_CODE_POINT || (value >= 0xD800 && value <= 0xDFFF)) {
            throw error(at, "escape is not a Unicode scalar value");
        }
        return value;
    }

    private String parseName() {
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error(pos, pos < text.length() ? "expected a rule name, found '" + text.charAt(pos) + "'"
                    : "expected a rule name");
        }
        return text.substring(start, pos);
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    /** Skips spaces, tabs and comments; line ends too when {@code newlines}. */
    private void skipSpaces(boolean newlines) {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || newlines && (c == '\n' || c == '\r')) {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private void skipBlank() {
        skipSpaces(true);
    }

    private GbnfSyntaxException error(int at, String problem) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new GbnfSyntaxException(line, at - lineStart + 1, problem);
    }

    private int column(int at) {
        int lineStart = text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
        return at - lineStart + 1;
    }
}
