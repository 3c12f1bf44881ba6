package dev.hearth.local.internal.grammar;

import java.util.Arrays;
import java.util.Map;

/**
 * Computes which tokens keep a grammar alive, after XGrammar's split into context-independent and context-dependent
 * tokens. For each grammar position (the program counter at the top of a stack) it walks the vocabulary trie once with
 * the stack below replaced by an unknown bottom: a token that ends while the position's own rule (or what it calls) is
 * still running, or just as it returns, is <em>accepted</em> whatever lies below; one that is refused before the rule
 * returns is <em>rejected</em>; only a token that returns out of the rule with bytes still to read is
 * <em>uncertain</em>. Those per-position results are kept, so a stack's mask costs a copy of the accepted set plus a
 * byte-by-byte check of its few uncertain tokens against the real stack; the result is memoized on the (interned)
 * stack too, so a stack seen again costs nothing.
 *
 * <p>End-of-generation tokens are allowed exactly when the text so far is a complete match; special tokens never.
 * Not thread-safe: one generation at a time.
 */
final class TokenMasker {
    private final Automaton automaton;
    private final TokenVocabulary vocabulary;
    private final int words;
    /** Shared by every generation with the same grammar and vocabulary: a position's sets never change. */
    private final Map<Integer, PositionMasks> byPosition;
    /** Scratch for walks: the automaton state at each trie depth. */
    private final Frame[][] states;
    private final boolean[] escapedAt;

    /** Per grammar position: the tokens accepted whatever the stack below, and those that depend on it. */
    record PositionMasks(long[] accepted, int[] uncertain) {
    }

    TokenMasker(Automaton automaton, TokenVocabulary vocabulary) {
        this.automaton = automaton;
        this.vocabulary = vocabulary;
        this.byPosition = vocabulary.positionMasks(automaton.grammar);
        this.words = (vocabulary.size() + 63) >>> 6;
        this.states = new Frame[vocabulary.maxDepth + 1][];
        this.escapedAt = new boolean[vocabulary.maxDepth + 1];
    }

    /** A bitmap (one bit per token id) of size {@link #words()}. */
    long[] newMask() {
        return new long[words];
    }

    int words() {
        return words;
    }

    /** Fills {@code mask} with the tokens allowed in {@code state}. */
    void fill(Frame[] state, long[] mask) {
        Arrays.fill(mask, 0);
        for (Frame frame : state) {
            if (frame == automaton.accept) {
                for (int token : vocabulary.endOfGeneration()) {
                    mask[token >>> 6] |= 1L << token;
                }
            } else if (!frame.isMarker()) {
                long[] own = frameMask(frame);
                for (int i = 0; i < words; i++) {
                    mask[i] |= own[i];
                }
            }
        }
    }

    private long[] frameMask(Frame frame) {
        if (frame.mask != null) {
            return frame.mask;
        }
        PositionMasks position = byPosition.get(frame.pc);
        if (position == null) {
            // computed outside the shared map's lock: classify uses this masker's own automaton and scratch
            position = classify(frame.pc);
            byPosition.putIfAbsent(frame.pc, position);
        }
        if (position.uncertain.length == 0) {
            frame.mask = position.accepted; // shared: never modified
            return frame.mask;
        }
        long[] mask = position.accepted.clone();
        Frame[] start = {frame};
        for (int token : position.uncertain) {
            if (accepts(start, vocabulary.bytes(token))) {
                mask[token >>> 6] |= 1L << token;
            }
        }
        frame.mask = mask;
        return mask;
    }

    private boolean accepts(Frame[] state, byte[] bytes) {
        for (byte b : bytes) {
            state = automaton.advance(state, b & 0xFF);
            if (state.length == 0) {
                return false;
            }
        }
        return true;
    }

    /** Walks the trie from a position over the unknown bottom and sorts every token into accepted or uncertain. */
    private PositionMasks classify(int pc) {
        long[] accepted = new long[words];
        int[] uncertain = new int[16];
        int uncertainCount = 0;
        TokenVocabulary v = vocabulary;
        int[] sorted = v.sortedTokens;
        states[0] = automaton.closure(automaton.overBottom(pc));
        escapedAt[0] = false;
        int node = 1;
        int nodes = v.nodeCount();
        while (node < nodes) {
            int depth = v.nodeDepth[node];
            Frame[] parent = states[depth - 1];
            boolean escapedBefore = escapedAt[depth - 1];
            Frame[] next = automaton.advance(parent, v.nodeByte[node] & 0xFF);
            boolean real = false;
            boolean escaped = false;
            for (Frame frame : next) {
                if (frame == automaton.escaped) {
                    escaped = true;
                } else {
                    real = true;
                }
            }
            int here = v.firstToken[node];
            int hereEnd = here + v.tokensHere[node];
            if (real || escaped) {
                for (int i = here; i < hereEnd; i++) {
                    int token = sorted[i];
                    accepted[token >>> 6] |= 1L << token;
                }
            } else if (escapedBefore) {
                uncertain = grow(uncertain, uncertainCount, hereEnd - here);
                uncertainCount = add(uncertain, uncertainCount, sorted, here, hereEnd);
            }
            if (!real) {
                if (escapedBefore || escaped) {
                    // below here the rule has returned: every longer token depends on the real stack
                    uncertain = grow(uncertain, uncertainCount, v.tokensEnd[node] - hereEnd);
                    uncertainCount = add(uncertain, uncertainCount, sorted, hereEnd, v.tokensEnd[node]);
                }
                node = v.subtreeEnd[node];
                continue;
            }
            states[depth] = next;
            escapedAt[depth] = escapedBefore || escaped;
            node++;
        }
        return new PositionMasks(accepted, Arrays.copyOf(uncertain, uncertainCount));
    }

    private static int[] grow(int[] array, int size, int more) {
        if (size + more + 1 <= array.length) {
            return array;
        }
        return Arrays.copyOf(array, Math.max(array.length * 2, size + more + 16));
    }

    private static int add(int[] out, int count, int[] sorted, int from, int to) {
        for (int i = from; i < to; i++) {
            out[count++] = sorted[i];
        }
        return count;
    }
}
