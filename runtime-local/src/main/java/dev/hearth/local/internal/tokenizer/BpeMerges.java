package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Byte-level BPE merging of one word, matching llama.cpp's {@code llm_tokenizer_bpe_session}: start from one symbol
 * per byte, repeatedly merge the adjacent pair with the lowest merge rank (ties: the leftmost), then emit each
 * symbol's token.
 *
 * <p>llama.cpp compares symbol <em>strings</em>; here every string that can ever be a symbol (the 256 byte
 * characters and every merge result) is interned once to an int, so the loop works on ints: ids below the
 * vocabulary size are the token ids themselves, higher ids are strings that are not tokens. Pair ranks live in a
 * {@link PairRankTable}; the work queue is a binary heap of {@code rank << 32 | leftIndex} longs, and an entry is
 * stale (skipped) when the pair at its left index no longer has that rank, which is exactly when llama.cpp's text
 * check fails.
 *
 * <p>Immutable and safe to share; per-call scratch space lives in {@link Scratch}.
 */
final class BpeMerges {
    private final int vocabularySize;
    private final int[] symbolOfByte = new int[256];
    private final PairRankTable pairRanks;
    private final int[] mergedSymbolOfRank;
    /** Raw bytes of the symbols that are not tokens, indexed by {@code symbol - vocabularySize}. */
    private final byte[][] extraSymbolBytes;
    /** For the byte-by-byte fallback of a symbol that is no token: the token spelling a byte alone, or -1. */
    private final int[] asciiTokenOfByte = new int[256];

    /**
     * @param tokenIds token text to id (the byte-level spelling, e.g. {@code "Ġthe"})
     * @param merges   {@code tokenizer.ggml.merges}: "left right" pairs in rank order
     */
    BpeMerges(int vocabularySize, Map<String, Integer> tokenIds, String[] merges, String key) {
        this.vocabularySize = vocabularySize;
        Map<String, Integer> symbols = new HashMap<>(tokenIds);
        List<String> extra = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            symbolOfByte[b] = intern(symbols, extra, String.valueOf(ByteLevelAlphabet.charOf(b)));
            char c = ByteLevelAlphabet.charOf(b);
            Integer single = c < 0x80 ? tokenIds.get(String.valueOf(c)) : null;
            asciiTokenOfByte[b] = single != null ? single : -1;
        }
        String[] lefts = new String[merges.length];
        String[] rights = new String[merges.length];
        int[] merged = new int[merges.length];
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            // llama.cpp splits at the first space after the first character, so a left part may start with one
            int space = merge == null || merge.length() < 2 ? -1 : merge.indexOf(' ', 1);
            if (space < 0) {
                throw new ModelFormatException(key, -1, "merge " + rank + " '" + merge + "' is not two symbols "
                        + "separated by a space");
            }
            lefts[rank] = merge.substring(0, space);
            rights[rank] = merge.substring(space + 1);
            merged[rank] = intern(symbols, extra, lefts[rank] + rights[rank]);
        }
        this.pairRanks = new PairRankTable(merges.length);
        for (int rank = 0; rank < merges.length; rank++) {
            Integer left = symbols.get(lefts[rank]);
            Integer right = symbols.get(rights[rank]);
            // a part that is neither a byte nor a merge result can never be a symbol: the merge never applies
            if (left != null && right != null) {
                pairRanks.putIfAbsent(left, right, rank);
            }
        }
        this.mergedSymbolOfRank = merged;
        this.extraSymbolBytes = extra.stream().map(ByteLevelAlphabet::decodeLenient).toArray(byte[][]::new);
    }

    private int intern(Map<String, Integer> symbols, List<String> extra, String text) {
        Integer id = symbols.get(text);
        if (id != null) {
            return id;
        }
        int symbol = vocabularySize + extra.size();
        extra.add(text);
        symbols.put(text, symbol);
        return symbol;
    }

    /** Reusable per-thread arrays for {@link #encode}. */
    static final class Scratch {
        int[] symbol = new int[64];
        int[] next = new int[64];
        int[] previous = new int[64];
        long[] heap = new long[128];

        void ensure(int length) {
            if (symbol.length < length) {
                int capacity = Math.max(length, symbol.length * 2);
                symbol = new int[capacity];
                next = new int[capacity];
                previous = new int[capacity];
                heap = new long[capacity * 2];
            }
        }
    }

    /** Merges the word {@code bytes[from, to)} and appends its tokens. */
    void encode(byte[] bytes, int from, int to, Scratch scratch, TokenIdList out) {
        int length = to - from;
        if (length == 1) {
            emit(symbolOfByte[bytes[from] & 0xFF], out);
            return;
        }
        scratch.ensure(length);
        int[] symbol = scratch.symbol;
        int[] next = scratch.next;
        int[] previous = scratch.previous;
        long[] heap = scratch.heap;
        int heapSize = 0;
        for (int i = 0; i < length; i++) {
            symbol[i] = symbolOfByte[bytes[from + i] & 0xFF];
            previous[i] = i - 1;
            next[i] = i + 1 < length ? i + 1 : -1;
        }
        for (int i = 1; i < length; i++) {
            int rank = pairRanks.rank(symbol[i - 1], symbol[i]);
            if (rank >= 0) {
                heapSize = MergeHeap.push(heap, heapSize, MergeHeap.entry(rank, i - 1));
            }
        }
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = MergeHeap.popMinimum(heap, heapSize);
            int rank = MergeHeap.priority(top);
            int left = MergeHeap.left(top);
            int right = next[left];
            if (symbol[left] < 0 || right < 0 || pairRanks.rank(symbol[left], symbol[right]) != rank) {
                continue; // stale: one side was merged into something else since this entry was queued
            }
            symbol[left] = mergedSymbolOfRank[rank];
            symbol[right] = -1;
            int after = next[right];
            next[left] = after;
            if (after >= 0) {
                previous[after] = left;
            }
            int before = previous[left];
            if (before >= 0) {
                int beforeRank = pairRanks.rank(symbol[before], symbol[left]);
                if (beforeRank >= 0) {
                    heapSize = MergeHeap.push(heap, heapSize, MergeHeap.entry(beforeRank, before));
                }
            }
            if (after >= 0) {
                int afterRank = pairRanks.rank(symbol[left], symbol[after]);
                if (afterRank >= 0) {
                    heapSize = MergeHeap.push(heap, heapSize, MergeHeap.entry(afterRank, left));
                }
            }
        }
        for (int i = 0; i != -1; i = next[i]) {
            emit(symbol[i], out);
        }
    }

    /**
     * A symbol that is a token is emitted as is; one that is not (a merge result or byte missing from a malformed
     * vocabulary) is spelt byte by byte with the tokens of single ASCII byte characters, and other bytes are
     * dropped, as llama.cpp does.
     */
    private void emit(int symbol, TokenIdList out) {
        if (symbol < vocabularySize) {
            out.add(symbol);
            return;
        }
        for (byte b : extraSymbolBytes[symbol - vocabularySize]) {
            int token = asciiTokenOfByte[b & 0xFF];
            if (token >= 0) {
                out.add(token);
            }
        }
    }
}
