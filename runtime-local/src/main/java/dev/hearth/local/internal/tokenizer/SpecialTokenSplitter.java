package dev.hearth.local.internal.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Cuts text at occurrences of special pieces before ordinary encoding, as llama.cpp's
 * {@code tokenizer_st_partition} does. Special pieces are tried longest first (ties: lower id first); each one takes
 * every occurrence, left to right and without overlap, that lies wholly in text no earlier (longer) piece has taken.
 * So where two pieces overlap, the longer wins even if the shorter starts first.
 *
 * <p>Instead of llama.cpp's fragment list this marks taken characters in a per-call array; the result is the same.
 * All occurrences of all pieces are found in one pass over the text with a trie (vocabularies such as Llama 3's have
 * hundreds of special pieces, and a scan per piece made splitting the dominant cost of encoding); they are then
 * taken piece by piece in the order above.
 *
 * <p>Stateless after construction and safe to share between threads.
 */
final class SpecialTokenSplitter {

    /** One piece of the split input: plain text still to be encoded, or a special token matched by its text. */
    sealed interface Fragment {
    }

    record Text(String text) implements Fragment {
    }

    record Token(int id) implements Fragment {
    }

    private final int[] ids;
    private final String[] texts;
    private final boolean[] stripsWhitespaceAfter;
    /** Characters that start some special piece: most text positions are rejected with one array load. */
    private final boolean[] startsPiece = new boolean[Character.MAX_VALUE + 1];
    private final TrieNode root = new TrieNode();

    /** A node of the trie of special pieces; {@code piece} is the index into {@link #texts} ending here, or -1. */
    private static final class TrieNode {
        final Map<Character, TrieNode> children = new HashMap<>();
        int piece = -1;
    }

    /**
     * @param ids                   the special tokens to look for; empty pieces are ignored (they would match
     *                              everywhere)
     * @param stripsWhitespaceAfter by token id: drop the ASCII whitespace that follows a match of this token
     */
    SpecialTokenSplitter(String[] pieces, int[] ids, boolean[] stripsWhitespaceAfter) {
        this.ids = IntStream.of(ids)
                .filter(id -> !pieces[id].isEmpty())
                .boxed()
                .sorted(Comparator.<Integer>comparingInt(id -> pieces[id].length()).reversed()
                        .thenComparingInt(Integer::intValue))
                .mapToInt(Integer::intValue)
                .toArray();
        this.texts = IntStream.of(this.ids).mapToObj(id -> pieces[id]).toArray(String[]::new);
        this.stripsWhitespaceAfter = stripsWhitespaceAfter;
        for (int s = 0; s < texts.length; s++) {
            TrieNode node = root;
            for (int i = 0; i < texts[s].length(); i++) {
                node = node.children.computeIfAbsent(texts[s].charAt(i), c -> new TrieNode());
            }
            if (node.piece < 0) {
                node.piece = s; // duplicate texts: the first in priority order, which is the only one that can win
            }
            startsPiece[texts[s].charAt(0)] = true;
        }
    }

    /** Start positions of every occurrence of each piece (overlapping ones included), by piece index; null if none. */
    private IntList[] occurrences(String text) {
        IntList[] starts = null;
        for (int i = 0; i < text.length(); i++) {
            if (!startsPiece[text.charAt(i)]) {
                continue;
            }
            TrieNode node = root.children.get(text.charAt(i));
            for (int j = i + 1; node != null; j++) {
                if (node.piece >= 0) {
                    if (starts == null) {
                        starts = new IntList[texts.length];
                    }
                    if (starts[node.piece] == null) {
                        starts[node.piece] = new IntList(4);
                    }
                    starts[node.piece].add(i);
                }
                node = j < text.length() ? node.children.get(text.charAt(j)) : null;
            }
        }
        return starts;
    }

    boolean isEmpty() {
        return ids.length == 0;
    }

    List<Fragment> split(String text) {
        // tokenAt[i] = s + 1 where special piece s starts at i; taken[i] marks every character a piece covers and
        // every whitespace character it strips (those belong to no fragment, as in llama.cpp).
        int[] tokenAt = null;
        boolean[] taken = null;
        IntList[] starts = occurrences(text);
        for (int s = 0; starts != null && s < ids.length; s++) {
            if (starts[s] == null) {
                continue;
            }
            String piece = texts[s];
            int from = 0;
            for (int k = 0; k < starts[s].size(); k++) {
                int match = starts[s].get(k);
                if (match < from) {
                    continue;
                }
                int end = match + piece.length();
                if (taken == null) {
                    tokenAt = new int[text.length()];
                    taken = new boolean[text.length()];
                }
                if (isFree(taken, match, end)) {
                    tokenAt[match] = s + 1;
                    for (int i = match; i < end; i++) {
                        taken[i] = true;
                    }
                    if (stripsWhitespaceAfter[ids[s]]) {
                        while (end < text.length() && !taken[end] && isCSpace(text.charAt(end))) {
                            taken[end++] = true;
                        }
                    }
                    from = end;
                } else {
                    from = match + 1;
                }
            }
        }
        List<Fragment> fragments = new ArrayList<>();
        if (taken == null) {
            fragments.add(new Text(text));
            return fragments;
        }
        int plainStart = 0;
        int i = 0;
        while (i < text.length()) {
            if (!taken[i]) {
                i++;
                continue;
            }
            if (i > plainStart) {
                fragments.add(new Text(text.substring(plainStart, i)));
            }
            int s = tokenAt[i] - 1;
            if (s >= 0) {
                fragments.add(new Token(ids[s]));
                i += texts[s].length();
            } else {
                i++; // stripped whitespace
            }
            plainStart = i;
        }
        if (plainStart < text.length()) {
            fragments.add(new Text(text.substring(plainStart)));
        }
        return fragments;
    }

    /** C's {@code isspace} in the "C" locale, which llama.cpp applies to each byte. */
    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static boolean isFree(boolean[] taken, int from, int to) {
        for (int i = from; i < to; i++) {
            if (taken[i]) {
                return false;
            }
        }
        return true;
    }
}
