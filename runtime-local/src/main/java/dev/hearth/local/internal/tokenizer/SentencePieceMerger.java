package dev.hearth.local.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Turns one run of plain text (already prefixed and with spaces escaped to U+2581) into token ids the way
 * llama.cpp's {@code llm_tokenizer_spm} does: start from single characters, repeatedly merge the adjacent pair whose
 * concatenation is a vocabulary piece with the highest score (ties go to the leftmost pair), then emit each remaining
 * symbol's id, spelling symbols that are not pieces as {@code <0xNN>} byte tokens.
 *
 * <p>Symbols live in parallel arrays forming a doubly linked list over the text; a merge grows the left symbol and
 * empties the right one. Queue entries are never removed when a merge invalidates them: an entry is stale when
 * either side is empty or their combined length no longer equals the length recorded at push time (merges only
 * ever grow symbols). Each merge pushes at most two entries, so encoding is O(n log n) in the text length.
 *
 * <p>Stateless after construction and safe to share between threads.
 */
final class SentencePieceMerger {
    private final Map<String, Integer> pieceIds;
    private final float[] scores;
    private final int longestPiece;
    private final int[] byteTokenIds;
    private final int unknownId;

    /**
     * @param pieceIds     piece text to id (for duplicate pieces the highest id, as llama.cpp's map keeps the last);
     *                     taken over, not copied, and never modified
     * @param byteTokenIds for each byte value, the token that spells it, or -1 if the vocabulary has none
     */
    SentencePieceMerger(Map<String, Integer> pieceIds, float[] scores, int[] byteTokenIds, int unknownId) {
        this.pieceIds = pieceIds;
        this.scores = scores;
        this.longestPiece = pieceIds.keySet().stream().mapToInt(String::length).max().orElse(0);
        this.byteTokenIds = byteTokenIds;
        this.unknownId = unknownId;
    }

    private record Candidate(int left, int right, float score, int length) {
    }

    /** Higher score first; between equal scores the pair further left, as llama.cpp's comparator orders them. */
    private static int compare(Candidate a, Candidate b) {
        int byScore = Float.compare(b.score, a.score);
        return byScore != 0 ? byScore : Integer.compare(a.left, b.left);
    }

    void encode(String text, TokenIdList out) {
        if (text.isEmpty()) {
            return;
        }
        int symbolCount = text.codePointCount(0, text.length());
        int[] start = new int[symbolCount];
        int[] length = new int[symbolCount];
        int[] previous = new int[symbolCount];
        int[] next = new int[symbolCount];
        for (int i = 0, offset = 0; i < symbolCount; i++) {
            int charCount = Character.charCount(text.codePointAt(offset));
            start[i] = offset;
            length[i] = Math.min(charCount, text.length() - offset);
            previous[i] = i - 1;
            next[i] = i + 1 < symbolCount ? i + 1 : -1;
            offset += length[i];
        }

        PriorityQueue<Candidate> queue = new PriorityQueue<>(Math.max(symbolCount, 1), SentencePieceMerger::compare);
        for (int i = 1; i < symbolCount; i++) {
            offerPair(text, start, length, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Candidate pair = queue.poll();
            int left = pair.left;
            int right = pair.right;
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != pair.length) {
                continue;
            }
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                previous[next[right]] = left;
            }
            offerPair(text, start, length, previous[left], left, queue);
            offerPair(text, start, length, left, next[left], queue);
        }

        for (int i = 0; i != -1; i = next[i]) {
            emit(text.substring(start[i], start[i] + length[i]), out);
        }
    }

    private void offerPair(String text, int[] start, int[] length, int left, int right, PriorityQueue<Candidate> queue) {
        if (left < 0 || right < 0) {
            return;
        }
        int combined = length[left] + length[right];
        if (combined > longestPiece) {
            return;
        }
        Integer id = pieceIds.get(text.substring(start[left], start[left] + combined));
        if (id != null) {
            queue.add(new Candidate(left, right, scores[id], combined));
        }
    }

    /**
     * llama.cpp's {@code resegment}: a symbol that is a piece is emitted as is; otherwise it is split back into the two
     * symbols it was merged from, and a symbol never merged is spelt byte by byte. A merge only happens when the
     * concatenation is a piece, so every merged symbol is a piece and only single characters reach the byte
     * fallback: the split-back branch is unreachable and is left out.
     */
    private void emit(String symbol, TokenIdList out) {
        Integer id = pieceIds.get(symbol);
        if (id != null) {
            out.add(id);
            return;
        }
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
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
