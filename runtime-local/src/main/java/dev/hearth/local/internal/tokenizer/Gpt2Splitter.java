package dev.hearth.local.internal.tokenizer;

import static dev.hearth.local.internal.tokenizer.CodepointClass.LETTER;
import static dev.hearth.local.internal.tokenizer.CodepointClass.NUMBER;
import static dev.hearth.local.internal.tokenizer.CodepointClass.WHITESPACE;

/**
 * GPT-2's pre-tokenizer regex, hand-written as llama.cpp's {@code unicode_regex_split_custom_gpt2} does it:
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}. The contractions are
 * case-sensitive. A hand-written scan is exact and several times faster than a regex engine.
 */
final class Gpt2Splitter implements WordSplitter {
    static final String PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    @Override
    public void split(CodepointText text, int start, int end, IntList ends) {
        int[] cp = text.codePoints;
        int pos = start;
        while (pos < end) {
            int c = cp[pos];
            if (c == '\'' && pos + 1 < end) {
                int next = cp[pos + 1];
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos += 2;
                    ends.add(pos);
                    continue;
                }
                if (pos + 2 < end) {
                    int nextNext = cp[pos + 2];
                    if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                            || (next == 'l' && nextNext == 'l')) {
                        pos += 3;
                        ends.add(pos);
                        continue;
                    }
                }
            }
            // the optional leading space belongs to the run that follows it
            boolean spaceFirst = c == ' ';
            boolean followerInRange = !spaceFirst || pos + 1 < end;
            int follower = spaceFirst ? (pos + 1 < end ? CodepointClass.of(cp[pos + 1]) : 0) : CodepointClass.of(c);
            int runClass = (follower & LETTER) != 0 ? LETTER : (follower & NUMBER) != 0 ? NUMBER : 0;
            if (runClass != 0) {
                pos += spaceFirst ? 1 : 0;
                while (pos < end && (CodepointClass.of(cp[pos]) & runClass) != 0) {
                    pos++;
                }
                ends.add(pos);
                continue;
            }
            if (followerInRange && (follower & (WHITESPACE | LETTER | NUMBER)) == 0) {
                pos += spaceFirst ? 1 : 0;
                while (pos < end && (CodepointClass.of(cp[pos]) & (WHITESPACE | LETTER | NUMBER)) == 0) {
                    pos++;
                }
                ends.add(pos);
                continue;
            }
            int whitespace = 0;
            while (pos + whitespace < end && CodepointClass.isWhitespace(cp[pos + whitespace])) {
                whitespace++;
            }
            if (whitespace > 1 && pos + whitespace < end) {
                pos += whitespace - 1; // \s+(?!\S): leave the last space to the word after it
            } else if (whitespace > 0) {
                pos += whitespace;
            } else {
                pos++;
            }
            ends.add(pos);
        }
    }
}
