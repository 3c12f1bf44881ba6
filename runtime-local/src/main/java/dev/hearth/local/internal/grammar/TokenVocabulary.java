package dev.hearth.local.internal.grammar;

import dev.hearth.local.internal.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.IntPredicate;

/**
 * A model's vocabulary as constrained decoding sees it: the bytes each text token stands for, the tokens that end a
 * generation, and a byte trie over the text tokens laid out in depth-first order, so that a mask walks every shared
 * prefix once and skips a whole subtree when a prefix is rejected. Special tokens (control, unknown, user-defined,
 * unused) and tokens with no bytes are never in the trie: a grammar never offers them. Immutable; one per tokenizer
 * ({@link #of(Tokenizer)} caches it).
 */
public final class TokenVocabulary {
    private static final Map<Tokenizer, TokenVocabulary> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    /** Per grammar (weakly held: grammars leave with the compiled-grammar cache), its positions' token sets. */
    private final Map<Grammar, Map<Integer, TokenMasker.PositionMasks>> positionMasks =
            Collections.synchronizedMap(new WeakHashMap<>());
    private final int size;
    private final byte[][] bytes;
    private final int[] endOfGeneration;
    /** Token ids in trie (= unsigned lexicographic byte) order. */
    final int[] sortedTokens;
    /** Per trie node in preorder (node 0 is the root): the byte on the edge from its parent. */
    final byte[] nodeByte;
    final int[] nodeDepth;
    /** The node after this node's subtree, in preorder. */
    final int[] subtreeEnd;
    /** The index in {@link #sortedTokens} of the first token ending at or below this node. */
    final int[] firstToken;
    /** How many tokens end exactly at this node. */
    final int[] tokensHere;
    /** The index in {@link #sortedTokens} after the last token at or below this node. */
    final int[] tokensEnd;
    final int maxDepth;

    /**
     * @param bytes           each token's bytes, or null for a token a grammar must never offer
     * @param endOfGeneration tokens that end a generation (offered once the grammar is complete)
     */
    public TokenVocabulary(byte[][] bytes, IntPredicate endOfGeneration) {
        this.size = bytes.length;
        this.bytes = bytes.clone();
        this.endOfGeneration = java.util.stream.IntStream.range(0, size).filter(endOfGeneration).toArray();
        Integer[] order = java.util.stream.IntStream.range(0, size)
                .filter(id -> bytes[id] != null && bytes[id].length > 0)
                .boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        sortedTokens = Arrays.stream(order).mapToInt(Integer::intValue).toArray();

        // count the nodes: one per distinct prefix
        int nodes = 1;
        byte[] previous = new byte[0];
        int longest = 0;
        for (int id : sortedTokens) {
            byte[] current = bytes[id];
            nodes += current.length - commonPrefix(previous, current);
            previous = current;
            longest = Math.max(longest, current.length);
        }
        maxDepth = longest;
        nodeByte = new byte[nodes];
        nodeDepth = new int[nodes];
        subtreeEnd = new int[nodes];
        firstToken = new int[nodes];
        tokensHere = new int[nodes];
        tokensEnd = new int[nodes];

        int[] path = new int[longest + 1]; // node ids on the current path, by depth
        int pathLength = 1;                // path[0] = root
        int next = 1;
        previous = new byte[0];
        for (int index = 0; index < sortedTokens.length; index++) {
            byte[] current = bytes[sortedTokens[index]];
            int common = commonPrefix(previous, current);
            while (pathLength > common + 1) {
                close(path[--pathLength], next, index);
            }
            for (int depth = common + 1; depth <= current.length; depth++) {
                int node = next++;
                nodeByte[node] = current[depth - 1];
                nodeDepth[node] = depth;
                firstToken[node] = index;
                path[pathLength++] = node;
            }
            tokensHere[path[pathLength - 1]]++;
            previous = current;
        }
        while (pathLength > 0) {
            close(path[--pathLength], next, sortedTokens.length);
        }
    }

    private void close(int node, int nextNode, int nextToken) {
        subtreeEnd[node] = nextNode;
        tokensEnd[node] = nextToken;
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int mismatch = Arrays.mismatch(a, b);
        return mismatch < 0 ? a.length : Math.min(mismatch, Math.min(a.length, b.length));
    }

    /** The vocabulary of a GGUF tokenizer (built once per tokenizer and cached). */
    public static TokenVocabulary of(Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, t -> build(t, java.util.Set.of()));
        }
    }

    /**
     * The vocabulary of a GGUF tokenizer in which some special tokens count as their text: the markers of a
     * model's tool-call format (e.g. {@code <tool_call>}), which a tool-call grammar must be able to write.
     */
    public static TokenVocabulary withMarkers(Tokenizer tokenizer, java.util.Set<Integer> markerTokens) {
        if (markerTokens.isEmpty()) {
            return of(tokenizer);
        }
        synchronized (MARKED) {
            return MARKED.computeIfAbsent(tokenizer, t -> new java.util.HashMap<>())
                    .computeIfAbsent(java.util.Set.copyOf(markerTokens), markers -> build(tokenizer, markers));
        }
    }

    private static final Map<Tokenizer, Map<java.util.Set<Integer>, TokenVocabulary>> MARKED = new WeakHashMap<>();

    private static TokenVocabulary build(Tokenizer t, java.util.Set<Integer> markers) {
        byte[][] bytes = new byte[t.vocabularySize()][];
        for (int id = 0; id < bytes.length; id++) {
            if (markers.contains(id)) {
                bytes[id] = t.tokenText(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else {
                bytes[id] = t.isText(id) ? t.tokenBytes(id) : null;
            }
        }
        return new TokenVocabulary(bytes, t::isEndOfGeneration);
    }

    /** The per-position token sets of a grammar over this vocabulary, shared by every generation that uses both. */
    Map<Integer, TokenMasker.PositionMasks> positionMasks(Grammar grammar) {
        return positionMasks.computeIfAbsent(grammar, g -> new java.util.concurrent.ConcurrentHashMap<>());
    }

    public int size() {
        return size;
    }

    /** The token's bytes, or null if a grammar never offers it. Not a copy: do not modify. */
    public byte[] bytes(int token) {
        return bytes[token];
    }

    int[] endOfGeneration() {
        return endOfGeneration;
    }

    boolean isEndOfGeneration(int token) {
        return Arrays.binarySearch(endOfGeneration, token) >= 0;
    }

    int nodeCount() {
        return nodeByte.length;
    }

    @Override
    public String toString() {
        return "TokenVocabulary[" + size + " tokens, " + sortedTokens.length + " text tokens, " + nodeByte.length
                + " trie nodes]";
    }
}
