package dev.hearth.local.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental detokenisation for streaming output. A character can be spread over several tokens (byte-fallback
 * tokens spell emoji and rare characters one byte at a time), so {@link #push} returns only the text that is complete
 * and holds back the bytes of an unfinished UTF-8 character until later tokens finish it. Joining everything
 * {@code push} and {@link #flush} return gives exactly {@link Tokenizer#decode} of the same ids (minus the stripped
 * space, see below).
 *
 * <p>Not thread-safe: one instance per generation stream.
 */
public final class StreamingDetokenizer {
    private final Tokenizer tokenizer;
    private boolean stripPending;
    private byte[] pending = new byte[16];
    private int pendingLength;

    /**
     * @param stripLeadingSpace drop one space at the very start of the output: SentencePiece puts a dummy-prefix space
     *                          before the first word, which should not appear when generation starts right after BOS
     */
    public StreamingDetokenizer(Tokenizer tokenizer, boolean stripLeadingSpace) {
        this.tokenizer = tokenizer;
        this.stripPending = stripLeadingSpace;
    }

    /** Adds one token and returns the text it completes, possibly "". */
    public String push(int tokenId) {
        byte[] bytes = tokenizer.tokenBytes(tokenId);
        int from = 0;
        if (stripPending && bytes.length > 0) {
            // Only the first byte of the whole output is a candidate; a token with no bytes (BOS) does not count.
            stripPending = false;
            if (pendingLength == 0 && bytes[0] == ' ') {
                from = 1;
            }
        }
        append(bytes, from);
        int complete = pendingLength - Utf8Tail.incompleteLength(pending, pendingLength);
        return take(complete);
    }

    /** Returns whatever is still held back, an unfinished character becoming U+FFFD, and resets the buffer. */
    public String flush() {
        return take(pendingLength);
    }

    private void append(byte[] bytes, int from) {
        int count = bytes.length - from;
        if (pendingLength + count > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + count));
        }
        System.arraycopy(bytes, from, pending, pendingLength, count);
        pendingLength += count;
    }

    private String take(int count) {
        if (count == 0) {
            return "";
        }
        String text = new String(pending, 0, count, StandardCharsets.UTF_8);
        System.arraycopy(pending, count, pending, 0, pendingLength - count);
        pendingLength -= count;
        return text;
    }
}
