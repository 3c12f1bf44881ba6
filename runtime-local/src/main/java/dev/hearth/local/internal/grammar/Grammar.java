package dev.hearth.local.internal.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled grammar: rules of byte terminals and rule references laid out in one program array, which the
 * {@link Automaton} runs as a pushdown automaton over bytes. Each program cell is a terminal index ({@code >= 0}),
 * a rule reference ({@link #ruleSymbol}) or {@link #END} (the end of an alternative). Immutable and thread-safe;
 * compile one with {@link GbnfParser} or {@link JsonSchemaGrammar}.
 *
 * <p>Left recursion (a rule that can reach itself before reading a byte) is refused: a top-down automaton cannot run it.
 */
public final class Grammar {
    static final int END = -1;

    private final int[] program;
    /** Four 64-bit words per terminal: bit b of terminal t is word[4t + b/64] bit b%64. */
    private final long[] terminalWords;
    private final int[][] alternativeStarts;
    private final String[] ruleNames;
    private final int root;

    private Grammar(int[] program, long[] terminalWords, int[][] alternativeStarts, String[] ruleNames, int root) {
        this.program = program;
        this.terminalWords = terminalWords;
        this.alternativeStarts = alternativeStarts;
        this.ruleNames = ruleNames;
        this.root = root;
    }

    static int ruleSymbol(int rule) {
        return -2 - rule;
    }

    static int ruleOf(int symbol) {
        return -2 - symbol;
    }

    static Grammar link(List<String> names, List<List<int[]>> alternatives, List<ByteSet> terminals, int root) {
        checkNoLeftRecursion(names, alternatives);
        int size = 0;
        for (List<int[]> rule : alternatives) {
            for (int[] alternative : rule) {
                size += alternative.length + 1;
            }
        }
        int[] program = new int[size];
        int[][] starts = new int[alternatives.size()][];
        int pc = 0;
        for (int rule = 0; rule < alternatives.size(); rule++) {
            List<int[]> rules = alternatives.get(rule);
            starts[rule] = new int[rules.size()];
            for (int a = 0; a < rules.size(); a++) {
                starts[rule][a] = pc;
                int[] alternative = rules.get(a);
                System.arraycopy(alternative, 0, program, pc, alternative.length);
                pc += alternative.length;
                program[pc++] = END;
            }
        }
        long[] words = new long[terminals.size() * 4];
        for (int t = 0; t < terminals.size(); t++) {
            ByteSet set = terminals.get(t);
            words[4 * t] = set.w0();
            words[4 * t + 1] = set.w1();
            words[4 * t + 2] = set.w2();
            words[4 * t + 3] = set.w3();
        }
        return new Grammar(program, words, starts, names.toArray(String[]::new), root);
    }

    /** Refuses a rule that can reach itself through references preceded only by rules that can match nothing. */
    private static void checkNoLeftRecursion(List<String> names, List<List<int[]>> alternatives) {
        int rules = alternatives.size();
        boolean[] nullable = new boolean[rules];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int rule = 0; rule < rules; rule++) {
                if (nullable[rule]) {
                    continue;
                }
                for (int[] alternative : alternatives.get(rule)) {
                    boolean all = true;
                    for (int symbol : alternative) {
                        if (symbol >= 0 || !nullable[ruleOf(symbol)]) {
                            all = false;
                            break;
                        }
                    }
                    if (all) {
                        nullable[rule] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        List<List<Integer>> leftEdges = new ArrayList<>();
        for (int rule = 0; rule < rules; rule++) {
            List<Integer> edges = new ArrayList<>();
            for (int[] alternative : alternatives.get(rule)) {
                for (int symbol : alternative) {
                    if (symbol >= 0) {
                        break;
                    }
                    edges.add(ruleOf(symbol));
                    if (!nullable[ruleOf(symbol)]) {
                        break;
                    }
                }
            }
            leftEdges.add(edges);
        }
        int[] mark = new int[rules]; // 0 new, 1 on the path, 2 done
        for (int rule = 0; rule < rules; rule++) {
            List<Integer> path = new ArrayList<>();
            if (mark[rule] == 0 && cycleFrom(rule, leftEdges, mark, path)) {
                List<String> cycle = path.stream().map(names::get).map(Grammar::displayName).toList();
                throw new GrammarException("left recursion: " + String.join(" -> ", cycle)
                        + " can reach itself without reading a character; rewrite it right-recursively");
            }
        }
    }

    private static boolean cycleFrom(int rule, List<List<Integer>> edges, int[] mark, List<Integer> path) {
        mark[rule] = 1;
        path.add(rule);
        for (int next : edges.get(rule)) {
            if (mark[next] == 1) {
                path.subList(0, path.indexOf(next)).clear();
                path.add(next);
                return true;
            }
            if (mark[next] == 0 && cycleFrom(next, edges, mark, path)) {
                return true;
            }
        }
        mark[rule] = 2;
        path.removeLast();
        return false;
    }

    private static String displayName(String name) {
        int hash = name.indexOf('#');
        return hash < 0 ? name : "(" + name.substring(0, hash) + " in a generated rule)";
    }

    int root() {
        return root;
    }

    int symbolAt(int pc) {
        return program[pc];
    }

    int[] alternativeStarts(int rule) {
        return alternativeStarts[rule];
    }

    boolean terminalAccepts(int terminal, int unsignedByte) {
        return (terminalWords[4 * terminal + (unsignedByte >>> 6)] >>> (unsignedByte & 63) & 1) != 0;
    }

    int ruleCount() {
        return ruleNames.length;
    }

    int programSize() {
        return program.length;
    }

    @Override
    public String toString() {
        return "Grammar[" + ruleNames.length + " rules, " + program.length + " program cells, "
                + terminalWords.length / 4 + " terminals, root " + ruleNames[root] + "]";
    }
}
