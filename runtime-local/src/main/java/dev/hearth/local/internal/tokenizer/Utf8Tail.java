package dev.hearth.local.internal.tokenizer;

/**
 * Finds an unfinished UTF-8 character at the end of a byte buffer: a valid start of a multi-byte sequence whose
 * remaining bytes have not arrived yet. Byte-fallback tokens spell one character over several tokens, so a streaming
 * decoder must hold such a tail back instead of turning it into U+FFFD.
 */
final class Utf8Tail {
    private Utf8Tail() {
    }

    /**
     * The number of trailing bytes (0 to 3) that form a valid but incomplete UTF-8 sequence. Anything that can no
     * longer become valid counts as complete, so it is decoded (to U+FFFD) rather than held forever.
     */
    static int incompleteLength(byte[] bytes, int length) {
        for (int back = 1; back <= 3 && back <= length; back++) {
            int lead = bytes[length - back] & 0xFF;
            if (lead < 0x80) {
                return 0; // ASCII: nothing after it can be a sequence start
            }
            if (lead < 0xC0) {
                continue; // a continuation byte: the sequence start is further back
            }
            int needed = sequenceLength(lead);
            if (needed <= back) {
                return 0; // the sequence is complete (or invalid): nothing to hold back
            }
            return isValidPrefix(bytes, length - back, back) ? back : 0;
        }
        return 0;
    }

    /** Total length of the sequence a lead byte starts; 1 for bytes that cannot start one (C0, C1, F5..FF). */
    private static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 1;
    }

    /** Checks the continuation bytes present so far, including the narrower second-byte ranges of RFC 3629. */
    private static boolean isValidPrefix(byte[] bytes, int start, int present) {
        int lead = bytes[start] & 0xFF;
        for (int i = 1; i < present; i++) {
            int b = bytes[start + i] & 0xFF;
            int low = 0x80;
            int high = 0xBF;
            if (i == 1) {
                switch (lead) {
                    case 0xE0 -> low = 0xA0;
                    case 0xED -> high = 0x9F;
                    case 0xF0 -> low = 0x90;
                    case 0xF4 -> high = 0x8F;
                    default -> { }
                }
            }
            if (b < low || b > high) {
                return false;
            }
        }
        return true;
    }
}
