package dev.hearth.local.internal.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a range of Unicode code points into the byte-set sequences that spell exactly those code points in UTF-8,
 * so that character classes become terminals of a byte-level automaton. Surrogates (U+D800..U+DFFF) are never
 * produced: they are not valid in UTF-8.
 */
final class Utf8Ranges {
    private static final int[] MAX_FOR_LENGTH = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};

    private Utf8Ranges() {
    }

    /** Every UTF-8 encoding of a code point in [from, to], as sequences of byte sets (each 1 to 4 long). */
    static List<ByteSet[]> of(int from, int to) {
        List<ByteSet[]> out = new ArrayList<>();
        // split around the surrogates, then at the boundaries where the encoded length changes
        if (from <= 0xDFFF && to >= 0xD800) {
            if (from < 0xD800) {
                split(from, 0xD7FF, out);
            }
            if (to > 0xDFFF) {
                split(0xE000, to, out);
            }
        } else {
            split(from, to, out);
        }
        return out;
    }

    private static void split(int from, int to, List<ByteSet[]> out) {
        int low = from;
        for (int length = 1; length <= 4 && low <= to; length++) {
            int max = MAX_FOR_LENGTH[length - 1];
            if (low > max) {
                continue;
            }
            int high = Math.min(to, max);
            sameLength(low, high, length, out);
            low = high + 1;
        }
    }

    /**
     * Code points of one encoded length: if the range does not cover whole blocks of continuation bytes, split it
     * so that every piece is a product of byte ranges (the classic construction behind UTF-8 regex engines).
     */
    private static void sameLength(int from, int to, int length, List<ByteSet[]> out) {
        if (length == 1) {
            out.add(new ByteSet[] {ByteSet.range(from, to)});
            return;
        }
        for (int tail = 1; tail < length; tail++) {
            int blockMask = (1 << (6 * tail)) - 1;
            if ((from & ~blockMask) != (to & ~blockMask)) {
                if ((from & blockMask) != 0) {
                    sameLength(from, from | blockMask, length, out);
                    sameLength((from | blockMask) + 1, to, length, out);
                    return;
                }
                if ((to & blockMask) != blockMask) {
                    sameLength(from, (to & ~blockMask) - 1, length, out);
                    sameLength(to & ~blockMask, to, length, out);
                    return;
                }
            }
        }
        byte[] a = encode(from, length);
        byte[] b = encode(to, length);
        ByteSet[] sequence = new ByteSet[length];
        for (int i = 0; i < length; i++) {
            sequence[i] = ByteSet.range(a[i] & 0xFF, b[i] & 0xFF);
        }
        out.add(sequence);
    }

    private static byte[] encode(int codePoint, int length) {
        byte[] out = new byte[length];
        switch (length) {
            case 2 -> {
                out[0] = (byte) (0xC0 | codePoint >>> 6);
                out[1] = (byte) (0x80 | codePoint & 0x3F);
            }
            case 3 -> {
                out[0] = (byte) (0xE0 | codePoint >>> 12);
                out[1] = (byte) (0x80 | codePoint >>> 6 & 0x3F);
                out[2] = (byte) (0x80 | codePoint & 0x3F);
            }
            default -> {
                out[0] = (byte) (0xF0 | codePoint >>> 18);
                out[1] = (byte) (0x80 | codePoint >>> 12 & 0x3F);
                out[2] = (byte) (0x80 | codePoint >>> 6 & 0x3F);
                out[3] = (byte) (0x80 | codePoint & 0x3F);
            }
        }
        return out;
    }
}
