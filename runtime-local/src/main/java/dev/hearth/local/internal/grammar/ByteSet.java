package dev.hearth.local.internal.grammar;

import java.util.Arrays;

/** A set of byte values 0..255, as four 64-bit words; immutable. The terminals of a grammar are byte sets. */
record ByteSet(long w0, long w1, long w2, long w3) {
    static final ByteSet EMPTY = new ByteSet(0, 0, 0, 0);

    static ByteSet of(int value) {
        return range(value, value);
    }

    /** The bytes in [from, to] (inclusive, unsigned). */
    static ByteSet range(int from, int to) {
        long[] words = new long[4];
        for (int b = from; b <= to; b++) {
            words[b >>> 6] |= 1L << (b & 63);
        }
        return new ByteSet(words[0], words[1], words[2], words[3]);
    }

    ByteSet union(ByteSet other) {
        return new ByteSet(w0 | other.w0, w1 | other.w1, w2 | other.w2, w3 | other.w3);
    }

    boolean contains(int unsignedByte) {
        long word = switch (unsignedByte >>> 6) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            default -> w3;
        };
        return (word >>> (unsignedByte & 63) & 1) != 0;
    }

    boolean isEmpty() {
        return (w0 | w1 | w2 | w3) == 0;
    }

    /** The members in ascending order. */
    int[] members() {
        int[] out = new int[Long.bitCount(w0) + Long.bitCount(w1) + Long.bitCount(w2) + Long.bitCount(w3)];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (contains(b)) {
                out[n++] = b;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "ByteSet" + Arrays.toString(members());
    }
}
