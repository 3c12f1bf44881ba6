package dev.hearth.local.internal.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer stage given as a regular expression, for the expressions llama.cpp runs through {@code std::regex}.
 * Java's engine, like ECMAScript's, takes the first alternative that matches (not the longest). With
 * {@link Pattern#UNICODE_CHARACTER_CLASS}, {@code \s} is Unicode White_Space, which is what llama.cpp achieves by
 * mapping non-ASCII whitespace to U+000B before matching; {@code \p{L}}, {@code \p{N}} and {@code \p{P}} are the
 * general categories. The match is confined to the word being split: anchors and look-arounds do not see past it.
 */
final class RegexSplitter implements WordSplitter {
    private final Pattern pattern;

    /** @param expression a Java regular expression; write {@code \z}, not {@code $}, for "end of the word" */
    RegexSplitter(String expression) {
        this.pattern = Pattern.compile(expression, Pattern.UNICODE_CHARACTER_CLASS);
    }

    @Override
    public void split(CodepointText text, int start, int end, IntList ends) {
        if (start >= end) {
            return;
        }
        Matcher matcher = pattern.matcher(text.text);
        matcher.region(text.charOffset(start), text.charOffset(end));
        int previousEnd = start;
        while (matcher.find()) {
            if (matcher.end() == matcher.start()) {
                continue;
            }
            int matchStart = text.codePointIndex(matcher.start());
            int matchEnd = text.codePointIndex(matcher.end());
            if (matchStart > previousEnd) {
                ends.add(matchStart);
            }
            ends.add(matchEnd);
            previousEnd = matchEnd;
        }
        if (previousEnd < end) {
            ends.add(end);
        }
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }
}
