package dev.hearth.local.onnx.internal;

import java.util.Arrays;

/**
 * Turns a stream of token ids into a stream of text with a tokenizer that can only decode whole sequences. Each new
 * token's text is the difference between decoding a short window that ends with it and the same window without it:
 * the window keeps the context decoders need (a leading space that depends on the previous token), and text ending
 * in an incomplete UTF-8 sequence (U+FFFD) is held back until the bytes that complete it arrive, or until so many
 * tokens followed that none can (a character has at most 4 bytes).
 */
final class IncrementalDecoder {
    private static final int MAX_HELD_TOKENS = 4;
    private static final char REPLACEMENT = '\uFFFD';

    private final HfTokenizer tokenizer;
    private long[] ids = new long[64];
    private int size;
    /** Start of the window of already released tokens kept as context. */
    private int prefixOffset;
    /** End of the tokens whose text has been released. */
    private int readOffset;

    /** @param context the last prompt tokens, decoded as context for the first answer token (never released) */
    IncrementalDecoder(HfTokenizer tokenizer, long[] context) {
        this.tokenizer = tokenizer;
        for (long id : context) {
            append(id);
        }
        this.prefixOffset = 0;
        this.readOffset = size;
    }

    /** Adds a token and returns the text it completes (possibly empty). */
    String push(int token) {
        append(token);
        String released = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String withNew = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        boolean incomplete = !withNew.isEmpty() && withNew.charAt(withNew.length() - 1) == REPLACEMENT
                && size - readOffset < MAX_HELD_TOKENS;
        if (withNew.length() > released.length() && !incomplete) {
            String delta = withNew.substring(released.length());
            prefixOffset = readOffset;
            readOffset = size;
            return delta;
        }
        return "";
    }

    /** The text of tokens still held back, when the answer ends. */
    String flush() {
        if (readOffset == size) {
            return "";
        }
        String released = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String all = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        prefixOffset = readOffset;
        readOffset = size;
        return all.length() > released.length() ? all.substring(released.length()) : "";
    }

    private void append(long id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }
}
