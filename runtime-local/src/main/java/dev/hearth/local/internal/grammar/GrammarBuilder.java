package dev.hearth.local.internal.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flattens named {@link Expr} rules into a {@link Grammar}: every rule becomes alternatives of byte terminals and rule
 * references, as llama.cpp does. Groups and multi-way choices become generated rules; {@code x*} becomes
 * {@code R ::= x R | ε}, which the automaton runs as a loop (a reference at the end of an alternative is a tail call and
 * pushes nothing); {@code x{m,n}} repeats {@code x} m times and nests n-m optional copies; character classes become
 * the UTF-8 byte sequences of their code points.
 */
final class GrammarBuilder {
    /** A cap on the flattened program, so that a hostile {@code x{1000000}} is refused rather than exhausting memory. */
    static final int MAX_PROGRAM_SIZE = 2_000_000;

    private final Map<String, Expr> named = new LinkedHashMap<>();
    private final Map<String, Integer> ruleIds = new HashMap<>();
    private final List<String> ruleNames = new ArrayList<>();
    private final List<List<int[]>> ruleAlternatives = new ArrayList<>();
    private final Map<ByteSet, Integer> terminalIds = new HashMap<>();
    private final List<ByteSet> terminals = new ArrayList<>();
    private int programSize;

    /** Defines (or, for GBNF's repeated definitions, replaces) a rule. */
    GrammarBuilder rule(String name, Expr body) {
        named.put(name, body);
        return this;
    }

    boolean defines(String name) {
        return named.containsKey(name);
    }

    Grammar build(String root) {
        if (!named.containsKey(root)) {
            throw new GrammarException("the grammar has no rule named '" + root + "' to start from");
        }
        for (String name : named.keySet()) {
            newRule(name);
        }
        for (Map.Entry<String, Expr> entry : named.entrySet()) {
            ruleAlternatives.set(ruleIds.get(entry.getKey()), alternatives(entry.getValue()));
        }
        return Grammar.link(ruleNames, ruleAlternatives, terminals, ruleIds.get(root));
    }

    private int newRule(String name) {
        int id = ruleNames.size();
        ruleNames.add(name);
        ruleAlternatives.add(List.of());
        ruleIds.put(name, id);
        return id;
    }

    private int generatedRule(String hint, List<int[]> alternatives) {
        int id = newRule(hint + "#" + ruleNames.size());
        ruleAlternatives.set(id, alternatives);
        return id;
    }

    /** The alternatives of an expression; nested choices and character classes are spliced in, not made rules. */
    private List<int[]> alternatives(Expr expr) {
        List<int[]> out = new ArrayList<>();
        if (expr instanceof Expr.Alt alt) {
            for (Expr option : alt.options()) {
                if (option instanceof Expr.Alt || option instanceof Expr.CharClass) {
                    out.addAll(alternatives(option));
                } else {
                    out.add(sequence(option));
                }
            }
        } else if (expr instanceof Expr.CharClass chars) {
            out.addAll(charClassAlternatives(chars));
        } else {
            out.add(sequence(expr));
        }
        return out;
    }

    private int[] sequence(Expr expr) {
        IntBuffer out = new IntBuffer();
        append(expr, out);
        grow(out.size() + 1);
        return out.toArray();
    }

    private void append(Expr expr, IntBuffer out) {
        switch (expr) {
            case Expr.Bytes bytes -> out.add(terminal(bytes.set()));
            case Expr.Seq seq -> seq.items().forEach(item -> append(item, out));
            case Expr.Ref ref -> {
                Integer id = ruleIds.get(ref.name());
                if (id == null) {
                    throw new GrammarException("rule '" + ref.name() + "' is used but never defined");
                }
                out.add(Grammar.ruleSymbol(id));
            }
            case Expr.Alt alt -> {
                if (alt.options().size() == 1) {
                    append(alt.options().getFirst(), out);
                } else {
                    out.add(Grammar.ruleSymbol(generatedRule("group", alternatives(alt))));
                }
            }
            case Expr.CharClass chars -> {
                List<int[]> alternatives = charClassAlternatives(chars);
                if (alternatives.size() == 1) {
                    out.addAll(alternatives.getFirst());
                } else {
                    out.add(Grammar.ruleSymbol(generatedRule("chars", alternatives)));
                }
            }
            case Expr.Repeat repeat -> appendRepeat(repeat, out);
        }
        if (out.size() + programSize > MAX_PROGRAM_SIZE) {
            throw tooLarge();
        }
    }

    private void grow(long cells) {
        programSize += (int) Math.min(cells, MAX_PROGRAM_SIZE + 1L);
        if (programSize > MAX_PROGRAM_SIZE) {
            throw tooLarge();
        }
    }

    private static GrammarException tooLarge() {
        return new GrammarException("the grammar expands to more than " + MAX_PROGRAM_SIZE
                + " elements; use smaller repetition counts");
    }

    private void appendRepeat(Expr.Repeat repeat, IntBuffer out) {
        if (repeat.max() != Expr.Repeat.UNBOUNDED && repeat.max() < repeat.min()) {
            throw new GrammarException("repetition {" + repeat.min() + "," + repeat.max() + "} has max < min");
        }
        // one copy of the item as a symbol sequence: a single alternative is copied inline, a choice becomes a rule
        List<int[]> itemAlternatives = alternatives(repeat.item());
        int[] item = itemAlternatives.size() == 1 ? itemAlternatives.getFirst()
                : new int[] {Grammar.ruleSymbol(generatedRule("repeated", itemAlternatives))};
        long itemSize = 0;
        for (int[] alternative : itemAlternatives) {
            itemSize += alternative.length + 1;
        }
        long size = itemSize * (repeat.max() == Expr.Repeat.UNBOUNDED ? repeat.min() + 1 : repeat.max());
        if (size > MAX_PROGRAM_SIZE) {
            throw new GrammarException("repetition {" + repeat.min() + "," + repeat.max() + "} expands to more than "
                    + MAX_PROGRAM_SIZE + " elements");
        }
        grow(size);
        for (int i = 0; i < repeat.min(); i++) {
            out.addAll(item);
        }
        // the optional copies put every alternative of the item straight into the loop rule, so that the automaton
        // stays in one rule while it repeats (which keeps most tokens context-independent for the mask cache)
        if (repeat.max() == Expr.Repeat.UNBOUNDED) {
            // R ::= alt1 R | alt2 R | ... | ε  (the trailing R is a tail call: a loop)
            int loop = generatedRule("star", new ArrayList<>());
            List<int[]> loopAlternatives = new ArrayList<>();
            for (int[] alternative : itemAlternatives) {
                loopAlternatives.add(concat(alternative, Grammar.ruleSymbol(loop)));
            }
            loopAlternatives.add(new int[0]);
            ruleAlternatives.set(loop, loopAlternatives);
            out.add(Grammar.ruleSymbol(loop));
        } else if (repeat.max() > repeat.min()) {
            // R1 ::= alt1 | alt2 | ... | ε ; Rk ::= alt1 R(k-1) | alt2 R(k-1) | ... | ε
            List<int[]> first = new ArrayList<>(itemAlternatives);
            first.add(new int[0]);
            int inner = generatedRule("optional", first);
            for (int k = 2; k <= repeat.max() - repeat.min(); k++) {
                List<int[]> more = new ArrayList<>();
                for (int[] alternative : itemAlternatives) {
                    more.add(concat(alternative, Grammar.ruleSymbol(inner)));
                }
                more.add(new int[0]);
                inner = generatedRule("optional", more);
            }
            out.add(Grammar.ruleSymbol(inner));
        }
    }

    private static int[] concat(int[] items, int last) {
        int[] out = java.util.Arrays.copyOf(items, items.length + 1);
        out[items.length] = last;
        return out;
    }

    /** The alternatives of a character class: the one-byte code points merged into one terminal, then the rest. */
    private List<int[]> charClassAlternatives(Expr.CharClass chars) {
        List<int[]> ranges = chars.negated() ? complement(chars.ranges()) : chars.ranges();
        ByteSet single = ByteSet.EMPTY;
        List<int[]> out = new ArrayList<>();
        for (int[] range : ranges) {
            for (ByteSet[] encoded : Utf8Ranges.of(range[0], range[1])) {
                if (encoded.length == 1) {
                    single = single.union(encoded[0]);
                } else {
                    int[] alternative = new int[encoded.length];
                    for (int i = 0; i < encoded.length; i++) {
                        alternative[i] = terminal(encoded[i]);
                    }
                    out.add(alternative);
                }
            }
        }
        if (!single.isEmpty()) {
            out.addFirst(new int[] {terminal(single)});
        }
        if (out.isEmpty()) {
            throw new GrammarException("a character class matches no character");
        }
        return out;
    }

    /** The code points 0..U+10FFFF outside the given ranges. */
    private static List<int[]> complement(List<int[]> ranges) {
        List<int[]> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> out = new ArrayList<>();
        int next = 0;
        for (int[] range : sorted) {
            if (range[0] > next) {
                out.add(new int[] {next, range[0] - 1});
            }
            next = Math.max(next, range[1] + 1);
        }
        if (next <= Character.MAX_CODE_POINT) {
            out.add(new int[] {next, Character.MAX_CODE_POINT});
        }
        return out;
    }

    private int terminal(ByteSet set) {
        return terminalIds.computeIfAbsent(set, key -> {
            terminals.add(key);
            return terminals.size() - 1;
        });
    }

    /** A growable int array, so sequences are built without boxing. */
    private static final class IntBuffer {
        private int[] values = new int[8];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        void addAll(int[] more) {
            for (int value : more) {
                add(value);
            }
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
