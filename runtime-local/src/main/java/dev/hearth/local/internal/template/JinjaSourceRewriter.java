package dev.hearth.local.internal.template;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the two Jinja2 constructs real chat templates use that jinjava parses differently, into equivalent
 * Jinja that jinjava understands, before the template is compiled:
 * <ul>
 *   <li>a keyword argument whose value is an expression ({@code namespace(last=messages|length - 1)}): jinjava
 *       binds {@code name=value} tighter than the operators in the value, so the value is put in parentheses;</li>
 *   <li>{@code loop.previtem} / {@code loop.nextitem}, which jinjava's loop object lacks: they become an index into
 *       the loop's own sequence;</li>
 *   <li>{@code for x in seq if cond}, whose condition jinjava ignores: the matching items are collected into a list
 *       first and the loop runs over that list, so {@code loop.last} and {@code loop.index} count only them;</li>
 *   <li>{@code not a == b}, which jinjava reads as {@code (not a) == b}: it becomes {@code not (a == b)};</li>
 *   <li>the reversing slice {@code seq[::-1]}, which jinjava cannot parse: it becomes {@code seq|reverse|list}.</li>
 * </ul>
 * Everything outside {@code {{ }}} and {@code {% %}} is left byte for byte.
 */
final class JinjaSourceRewriter {
    private static final Pattern FOR_TAG = Pattern.compile("^\\s*for\\s+([A-Za-z_][A-Za-z0-9_]*(?:\\s*,\\s*[A-Za-z_][A-Za-z0-9_]*)*)\\s+in\\s+(.+?)\\s*$", Pattern.DOTALL);
    private static final Pattern FILTERED_SEQUENCE = Pattern.compile("^(.+?)\\s+if\\s+(.+)$", Pattern.DOTALL);
    /** {@code not a|length == 1}: in Jinja2 {@code not} applies to the whole comparison, in jinjava to the operand. */
    private static final Pattern NOT_COMPARISON = Pattern.compile(
            "\\bnot\\s+([\\w.\\[\\]'\"|]+)\\s*(==|!=|<=|>=|<|>)\\s*([\\w.'\"-]+)");
    private static final Pattern MACRO_TAG = Pattern.compile("^\\s*(macro|call)\\b");
    private static final Pattern END_FOR = Pattern.compile("^\\s*endfor\\s*$");

    private JinjaSourceRewriter() {
    }

    static String rewrite(String source) {
        int filteredLoops = 0;
        StringBuilder out = new StringBuilder(source.length() + 64);
        Deque<String> loopSequences = new ArrayDeque<>();
        int at = 0;
        while (at < source.length()) {
            int open = nextOpen(source, at);
            if (open < 0) {
                out.append(source, at, source.length());
                break;
            }
            out.append(source, at, open);
            char kind = source.charAt(open + 1);
            if (kind == '#') {
                int close = source.indexOf("#}", open + 2);
                int end = close < 0 ? source.length() : close + 2;
                out.append(source, open, end);
                at = end;
                continue;
            }
            String closer = kind == '{' ? "}}" : "%}";
            int close = findClose(source, open + 2, closer);
            if (close < 0) {
                out.append(source, open, source.length());
                break;
            }
            int bodyStart = open + 2;
            int bodyEnd = close;
            // keep whitespace-control markers outside the rewritten body
            String leading = "";
            if (bodyStart < bodyEnd && (source.charAt(bodyStart) == '-' || source.charAt(bodyStart) == '+')) {
                leading = String.valueOf(source.charAt(bodyStart));
                bodyStart++;
            }
            String trailing = "";
            if (bodyEnd > bodyStart && (source.charAt(bodyEnd - 1) == '-' || source.charAt(bodyEnd - 1) == '+')) {
                trailing = String.valueOf(source.charAt(bodyEnd - 1));
                bodyEnd--;
            }
            String body = source.substring(bodyStart, bodyEnd);
            boolean macro = kind == '%' && MACRO_TAG.matcher(body).lookingAt();
            String rewritten = macro ? body : NOT_COMPARISON.matcher(parenthesizeKeywordArguments(body).replace("[::-1]", "|reverse|list"))
                    .replaceAll("not ($1 $2 $3)");
            if (!loopSequences.isEmpty()) {
                String sequence = loopSequences.peek();
                rewritten = rewritten
                        .replace("loop.previtem", "((" + sequence + ")[loop.index0 - 1] if loop.index0 > 0 else none)")
                        .replace("loop.nextitem", "((" + sequence + ")[loop.index0 + 1] if not loop.last else none)");
            }
            if (kind == '%') {
                Matcher forTag = FOR_TAG.matcher(body);
                if (forTag.matches()) {
                    String variables = forTag.group(1);
                    String sequence = forTag.group(2).replaceFirst("\\s+recursive$", "");
                    Matcher filtered = FILTERED_SEQUENCE.matcher(sequence);
                    if (filtered.matches()) {
                        // "for x in seq if cond": collect the matching items first, so loop.last/index count only them
                        String list = "__hearth_filtered_" + (filteredLoops++);
                        String item = variables.contains(",") ? "[" + variables + "]" : variables;
                        out.append(source, open, open + 2).append(leading)
                                .append(" set ").append(list).append(" = [] %}{% for ").append(variables).append(" in ")
                                .append(filtered.group(1)).append(" %}{% if ").append(filtered.group(2)).append(" %}{% do ")
                                .append(list).append(".append(").append(item).append(") %}{% endif %}{% endfor %}{% for ")
                                .append(variables).append(" in ").append(list).append(' ').append(trailing).append(closer);
                        loopSequences.push(list);
                        at = close + 2;
                        continue;
                    }
                    loopSequences.push(sequence);
                } else if (END_FOR.matcher(body).matches() && !loopSequences.isEmpty()) {
                    loopSequences.pop();
                }
            }
            out.append(source, open, open + 2).append(leading).append(rewritten).append(trailing).append(closer);
            at = close + 2;
        }
        return out.toString();
    }

    private static int nextOpen(String source, int from) {
        for (int i = source.indexOf('{', from); i >= 0 && i + 1 < source.length(); i = source.indexOf('{', i + 1)) {
            char next = source.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') {
                return i;
            }
        }
        return -1;
    }

    /** The closing delimiter, skipping string literals (a template may print "%}" inside quotes). */
    private static int findClose(String source, int from, String closer) {
        char quote = 0;
        for (int i = from; i < source.length() - 1; i++) {
            char c = source.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (source.startsWith(closer, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Wraps the value of each {@code name=value} argument of a call in parentheses. */
    static String parenthesizeKeywordArguments(String expression) {
        StringBuilder out = new StringBuilder(expression.length() + 8);
        int depth = 0;
        char quote = 0;
        Deque<Integer> pendingCloses = new ArrayDeque<>(); // bracket depth at which an open "(" must be closed
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == '\\' && i + 1 < expression.length()) {
                    out.append(expression.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'' -> {
                    quote = c;
                    out.append(c);
                }
                case '(', '[', '{' -> {
                    depth++;
                    out.append(c);
                }
                case ')', ']', '}' -> {
                    closePending(out, pendingCloses, depth);
                    depth--;
                    out.append(c);
                }
                case ',' -> {
                    closePending(out, pendingCloses, depth);
                    out.append(c);
                }
                case '=' -> {
                    boolean comparison = i + 1 < expression.length() && expression.charAt(i + 1) == '='
                            || i > 0 && "=!<>".indexOf(expression.charAt(i - 1)) >= 0;
                    if (!comparison && depth > 0 && isKeywordBefore(expression, i) && insideCall(expression, i)) {
                        out.append("=(");
                        pendingCloses.push(depth);
                    } else {
                        out.append(c);
                        if (comparison && i + 1 < expression.length() && expression.charAt(i + 1) == '=') {
                            out.append(expression.charAt(++i));
                        }
                    }
                }
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static void closePending(StringBuilder out, Deque<Integer> pendingCloses, int depth) {
        while (!pendingCloses.isEmpty() && pendingCloses.peek() == depth) {
            pendingCloses.pop();
            out.append(')');
        }
    }

    private static boolean isKeywordBefore(String expression, int equals) {
        int end = equals;
        while (end > 0 && expression.charAt(end - 1) == ' ') {
            end--;
        }
        int start = end;
        while (start > 0 && (Character.isLetterOrDigit(expression.charAt(start - 1)) || expression.charAt(start - 1) == '_')) {
            start--;
        }
        if (start == end) {
            return false;
        }
        int before = start;
        while (before > 0 && expression.charAt(before - 1) == ' ') {
            before--;
        }
        return before > 0 && (expression.charAt(before - 1) == '(' || expression.charAt(before - 1) == ',');
    }

    /** True when the innermost open bracket before the position is a call's "(" (not a list or dict). */
    private static boolean insideCall(String expression, int position) {
        int depth = 0;
        for (int i = position - 1; i >= 0; i--) {
            char c = expression.charAt(i);
            if (c == ')' || c == ']' || c == '}') {
                depth++;
            } else if (c == '(' || c == '[' || c == '{') {
                if (depth == 0) {
                    return c == '(';
                }
                depth--;
            }
        }
        return false;
    }
}
