package dev.hearth.local.internal.tokenizer;

import java.util.Arrays;

/**
 * A string viewed as code points, which is how llama.cpp's pre-tokenizers count: word boundaries are code point
 * indices, and {@link #charOffset} maps them back to the string. A lone surrogate counts as one code point of its
 * own; it has no UTF-8 form, so {@link #appendUtf8} spells it as U+FFFD, as llama.cpp does for invalid input.
 */
final class CodepointText {
    final String text;
    final int[] codePoints;
    private final int[] charOffsets;

    CodepointText(String text) {
        this.text = text;
        int count = text.codePointCount(0, text.length());
        this.codePoints = new int[count];
        this.charOffsets = new int[count + 1];
        int offset = 0;
        for (int i = 0; i < count; i++) {
            int codePoint = text.codePointAt(offset);
            codePoints[i] = codePoint;
            charOffsets[i] = offset;
            offset += Character.charCount(codePoint);
        }
        charOffsets[count] = text.length();
    }

    int length() {
        return codePoints.length;
    }

    /** The char index in {@link #text} where code point {@code index} starts ({@code length()} gives the end). */
    int charOffset(int index) {
        return charOffsets[index];
    }

    /** The code point index of a char offset that starts a code point (as regex match bounds do). */
    int codePointIndex(int charOffset) {
        int index = Arrays.binarySearch(charOffsets, charOffset);
        if (index < 0) {
            throw new IllegalArgumentException("char offset " + charOffset + " splits a surrogate pair");
        }
        return index;
    }

    /**
     * Writes the UTF-8 bytes of code points {@code [start, end)} into {@code buffer} (grown when too small) and
     * returns it; the byte count is left in {@code length[0]}.
     */
    byte[] appendUtf8(int start, int end, byte[] buffer, int[] length) {
        int needed = (end - start) * 4;
        byte[] out = buffer.length >= needed ? buffer : new byte[Math.max(needed, buffer.length * 2)];
        int n = 0;
        for (int i = start; i < end; i++) {
            int c = codePoints[i];
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | c >> 6);
                out[n++] = (byte) (0x80 | c & 0x3F);
            } else if (c < 0x10000) {
                if (Character.isSurrogate((char) c)) {
                    c = 0xFFFD;
                }
                out[n++] = (byte) (0xE0 | c >> 12);
                out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | c & 0x3F);
            } else {
                out[n++] = (byte) (0xF0 | c >> 18);
                out[n++] = (byte) (0x80 | c >> 12 & 0x3F);
                out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        length[0] = n;
        return out;
    }
}
