package dev.hearth.examples.tokenizerbench;

import java.util.Arrays;

/**
 * Compares Hearth's SentencePiece ids for {@code ggml-vocab-llama-spm.gguf} with the Hugging Face tokenizer's ids
 * for the Llama 2 {@code tokenizer.json}. The two vocabularies are the same except id 31353: its text is U+2028
 * (LINE SEPARATOR) in the GGUF but empty in tokenizer.json, so Hugging Face cannot produce it and spells U+2028 with
 * the byte-fallback tokens {@code <0xE2><0x80><0xA8>} instead. This comparison expands our 31353 into exactly those
 * three ids; every other id must be equal.
 */
public final class IdComparison {
    /** The GGUF token for U+2028 that tokenizer.json lacks. */
    public static final int LINE_SEPARATOR_TOKEN = 31353;
    /** Its UTF-8 bytes E2 80 A8 as Llama 2 byte tokens ({@code <0xNN>} is id 3 + NN). */
    private static final int[] LINE_SEPARATOR_BYTES = {3 + 0xE2, 3 + 0x80, 3 + 0xA8};

    private IdComparison() {
    }

    /** Our ids with every 31353 replaced by the byte tokens Hugging Face uses for U+2028. */
    public static int[] asHuggingFaceIds(int[] hearthIds) {
        int count = 0;
        for (int id : hearthIds) {
            count += id == LINE_SEPARATOR_TOKEN ? LINE_SEPARATOR_BYTES.length : 1;
        }
        int[] expanded = new int[count];
        int n = 0;
        for (int id : hearthIds) {
            if (id == LINE_SEPARATOR_TOKEN) {
                for (int b : LINE_SEPARATOR_BYTES) {
                    expanded[n++] = b;
                }
            } else {
                expanded[n++] = id;
            }
        }
        return expanded;
    }

    /** Hugging Face's long ids as ints. */
    public static int[] toInts(long[] ids) {
        return Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
    }

    /** A short description of the first difference, or null if the sequences are equal. */
    public static String firstDifference(int[] expected, int[] actual) {
        int mismatch = Arrays.mismatch(expected, actual);
        if (mismatch < 0) {
            return null;
        }
        int from = Math.max(0, mismatch - 3);
        return "first difference at index " + mismatch + ": expected ..."
                + Arrays.toString(Arrays.copyOfRange(expected, from, Math.min(expected.length, mismatch + 4)))
                + " but was ..." + Arrays.toString(Arrays.copyOfRange(actual, from, Math.min(actual.length,
                mismatch + 4)));
    }
}
