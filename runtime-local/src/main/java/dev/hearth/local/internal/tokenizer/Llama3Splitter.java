package dev.hearth.local.internal.tokenizer;

import static dev.hearth.local.internal.tokenizer.CodepointClass.LETTER;
import static dev.hearth.local.internal.tokenizer.CodepointClass.NUMBER;
import static dev.hearth.local.internal.tokenizer.CodepointClass.WHITESPACE;

/**
 * The Llama 3 pre-tokenizer regex, hand-written as llama.cpp's {@code unicode_regex_split_custom_llama3} does it:
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+
 * |\s+(?!\S)|\s+}. Qwen2 uses the same expression with single digits ({@code \p{N}}), hence {@code maxDigits}.
 */
final class Llama3Splitter implements WordSplitter {
    private final int maxDigits;

    Llama3Splitter(int maxDigits) {
        if (maxDigits < 1) {
            throw new IllegalArgumentException("maxDigits must be at least 1 but was " + maxDigits);
        }
        this.maxDigits = maxDigits;
    }

    private static int asciiLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    private static boolean isLineBreak(int c) {
        return c == '\r' || c == '\n';
    }

    @Override
    public void split(CodepointText text, int start, int end, IntList ends) {
        int[] cp = text.codePoints;
        int pos = start;
        while (pos < end) {
            int c = cp[pos];
            int flags = CodepointClass.of(c);
            if (c == '\'' && pos + 1 < end) {
                int next = asciiLower(cp[pos + 1]);
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos += 2;
                    ends.add(pos);
                    continue;
                }
                if (pos + 2 < end) {
                    int nextNext = asciiLower(cp[pos + 2]);
                    if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                            || (next == 'l' && nextNext == 'l')) {
                        pos += 3;
                        ends.add(pos);
                        continue;
                    }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (!isLineBreak(c) && (flags & NUMBER) == 0
                    && ((flags & LETTER) != 0 || (pos + 1 < end && CodepointClass.isLetter(cp[pos + 1])))) {
                pos++;
                while (pos < end && CodepointClass.isLetter(cp[pos])) {
                    pos++;
                }
                ends.add(pos);
                continue;
            }
            // \p{N}{1,maxDigits}
            if ((flags & NUMBER) != 0) {
                int groupStart = pos;
                while (pos < end && CodepointClass.isNumber(cp[pos])) {
                    pos++;
                    if (pos - groupStart >= maxDigits) {
                        ends.add(pos);
                        groupStart = pos;
                    }
                }
                if (pos > groupStart) {
                    ends.add(pos);
                }
                continue;
            }
            // ' ?[^\s\p{L}\p{N}]+[\r\n]*' (a space at the very end also lands here, as in llama.cpp)
            boolean spaceFirst = c == ' ';
            int follower = spaceFirst ? (pos + 1 < end ? CodepointClass.of(cp[pos + 1]) : 0) : flags;
            if ((follower & (WHITESPACE | LETTER | NUMBER)) == 0) {
                pos += spaceFirst ? 1 : 0;
                while (pos < end && (CodepointClass.of(cp[pos]) & (WHITESPACE | LETTER | NUMBER)) == 0) {
                    pos++;
                }
                while (pos < end && isLineBreak(cp[pos])) {
                    pos++;
                }
                ends.add(pos);
                continue;
            }
            int whitespace = 0;
            int afterLastLineBreak = -1;
            while (pos + whitespace < end && CodepointClass.isWhitespace(cp[pos + whitespace])) {
                if (isLineBreak(cp[pos + whitespace])) {
                    afterLastLineBreak = pos + whitespace + 1;
                }
                whitespace++;
            }
            if (afterLastLineBreak >= 0) {
                pos = afterLastLineBreak; // \s*[\r\n]+
            } else if (whitespace > 1 && pos + whitespace < end) {
                pos += whitespace - 1; // \s+(?!\S)
            } else if (whitespace > 0) {
                pos += whitespace;
            } else {
                pos++;
            }
            ends.add(pos);
        }
    }
}
