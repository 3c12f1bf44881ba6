package dev.hearth.local.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns one run of plain text (already prefixed and with spaces escaped to U+2581) into token ids the way
 * llama.cpp's {@code llm_tokenizer_spm} does: start from single characters, repeatedly merge the adjacent pair whose
 * concatenation is a vocabulary piece with the highest score (ties go to the leftmost pair), then emit each remaining
 * symbol's id, spelling symbols that are not pieces as {@code <0xNN>} byte tokens.
 *
 * <p>llama.cpp looks every candidate concatenation up as a string. Here the possible merges are enumerated once:
 * every piece split at every character boundary into two parts that can be symbols (pieces, or single characters
 * that occur in pieces) gives a pair of symbol ids mapping to the piece, so the merge loop works on ints. Scores
 * become dense ranks (equal scores, equal rank), and the queue is a {@link MergeHeap} of {@code rank << 32 | left}
 * entries: the smallest is the best pair and, among equals, the leftmost, exactly llama.cpp's order. An entry is
 * stale when the pair now at its left index is no longer a pair of that rank; if it is, merging it is what popping
 * its own (identical) entry would do.
 *
 * <p>Stateless after construction and safe to share between threads.
 */
final class SentencePieceMerger {
    private final int vocabularySize;
    private final PairRankTable mergedPiece;
    private final int[] scoreRank;
    /** Symbol of each BMP character: its piece id, an extra id if it only occurs inside pieces, or -1. */
    private final int[] bmpSymbol = new int[0x10000];
    private final Map<Integer, Integer> supplementarySymbol = new HashMap<>();
    private final int[] byteTokenIds;
    private final int unknownId;

    /**
     * @param pieceIds     piece text to id (for duplicate pieces the highest id, as llama.cpp's map keeps the last);
     *                     not retained
     * @param byteTokenIds for each byte value, the token that spells it, or -1 if the vocabulary has none
     */
    SentencePieceMerger(Map<String, Integer> pieceIds, float[] scores, int[] byteTokenIds, int unknownId) {
        this.vocabularySize = scores.length;
        this.byteTokenIds = byteTokenIds;
        this.unknownId = unknownId;
        Arrays.fill(bmpSymbol, -1);
        int extra = vocabularySize;
        for (String piece : pieceIds.keySet()) {
            for (int i = 0; i < piece.length(); ) {
                int c = piece.codePointAt(i);
                i += Character.charCount(c);
                if (symbolOf(c) < 0) {
                    Integer single = pieceIds.get(Character.toString(c));
                    setSymbol(c, single != null ? single : extra++);
                }
            }
        }
        this.scoreRank = denseRanksDescending(scores);
        int pairs = 0;
        for (String piece : pieceIds.keySet()) {
            pairs += Math.max(0, piece.codePointCount(0, piece.length()) - 1);
        }
        this.mergedPiece = new PairRankTable(Math.max(pairs, 1));
        for (Map.Entry<String, Integer> entry : pieceIds.entrySet()) {
            String piece = entry.getKey();
            for (int split = piece.offsetByCodePoints(0, 1); split < piece.length();
                 split += Character.charCount(piece.codePointAt(split))) {
                int left = symbolOfText(pieceIds, piece.substring(0, split));
                int right = symbolOfText(pieceIds, piece.substring(split));
                if (left >= 0 && right >= 0) {
                    mergedPiece.putIfAbsent(left, right, entry.getValue());
                }
            }
        }
    }

    private int symbolOf(int codePoint) {
        return codePoint < 0x10000 ? bmpSymbol[codePoint] : supplementarySymbol.getOrDefault(codePoint, -1);
    }

    private void setSymbol(int codePoint, int symbol) {
        if (codePoint < 0x10000) {
            bmpSymbol[codePoint] = symbol;
        } else {
            supplementarySymbol.put(codePoint, symbol);
        }
    }

    /** A piece's id, or the symbol of a single character, or -1 when the text can never be one symbol. */
    private int symbolOfText(Map<String, Integer> pieceIds, String text) {
        Integer id = pieceIds.get(text);
        if (id != null) {
            return id;
        }
        int first = text.codePointAt(0);
        return Character.charCount(first) == text.length() ? symbolOf(first) : -1;
    }

    /** Rank 0 for the highest score; equal scores share a rank (−0.0 and 0.0 are equal, as with C++'s {@code <}). */
    private static int[] denseRanksDescending(float[] scores) {
        float[] distinct = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            distinct[i] = scores[i] + 0.0f;
        }
        Arrays.sort(distinct);
        int unique = 0;
        for (int i = 0; i < distinct.length; i++) {
            if (i == 0 || Float.compare(distinct[i], distinct[unique - 1]) != 0) {
                distinct[unique++] = distinct[i];
            }
        }
        int[] ranks = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            ranks[i] = unique - 1 - Arrays.binarySearch(distinct, 0, unique, scores[i] + 0.0f);
        }
        return ranks;
    }

    void encode(String text, TokenIdList out) {
        if (text.isEmpty()) {
            return;
        }
        int count = text.codePointCount(0, text.length());
        int[] codePoint = new int[count];
        int[] symbol = new int[count];
        int[] next = new int[count];
        int[] previous = new int[count];
        long[] heap = new long[Math.max(2 * count, 2)];
        for (int i = 0, offset = 0; i < count; i++) {
            int c = text.codePointAt(offset);
            offset += Character.charCount(c);
            codePoint[i] = c;
            symbol[i] = symbolOf(c);
            previous[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }
        int heapSize = 0;
        for (int i = 1; i < count; i++) {
            heapSize = offer(symbol, i - 1, i, heap, heapSize);
        }
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = MergeHeap.popMinimum(heap, heapSize);
            int left = MergeHeap.left(top);
            int right = next[left];
            if (symbol[left] == Integer.MIN_VALUE || right < 0 || symbol[left] < 0 || symbol[right] < 0) {
                continue;
            }
            int merged = mergedPiece.rank(symbol[left], symbol[right]);
            if (merged < 0 || scoreRank[merged] != MergeHeap.priority(top)) {
                continue;
            }
            symbol[left] = merged;
            symbol[right] = Integer.MIN_VALUE;
            int after = next[right];
            next[left] = after;
            if (after >= 0) {
                previous[after] = left;
            }
            heapSize = offer(symbol, previous[left], left, heap, heapSize);
            heapSize = offer(symbol, left, after, heap, heapSize);
        }
        for (int i = 0; i != -1; i = next[i]) {
            emit(symbol[i], codePoint[i], out);
        }
    }

    private int offer(int[] symbol, int left, int right, long[] heap, int heapSize) {
        if (left < 0 || right < 0 || symbol[left] < 0 || symbol[right] < 0) {
            return heapSize;
        }
        int merged = mergedPiece.rank(symbol[left], symbol[right]);
        return merged < 0 ? heapSize : MergeHeap.push(heap, heapSize, MergeHeap.entry(scoreRank[merged], left));
    }

    /**
     * llama.cpp's {@code resegment}: a symbol that is a piece is emitted as is; a merge only happens when the
     * concatenation is a piece, so any other symbol is a single character, spelt byte by byte (a lone surrogate,
     * which has no UTF-8 form, as '?').
     */
    private void emit(int symbol, int codePoint, TokenIdList out) {
        if (symbol >= 0 && symbol < vocabularySize) {
            out.add(symbol);
            return;
        }
        for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
            int byteId = byteTokenIds[b & 0xFF];
            if (byteId >= 0) {
                out.add(byteId);
            } else if (unknownId >= 0) {
                out.add(unknownId);
            } else {
                throw new IllegalArgumentException(String.format(
                        "the vocabulary has no token for byte 0x%02X and no unknown token", b & 0xFF));
            }
        }
    }
}
