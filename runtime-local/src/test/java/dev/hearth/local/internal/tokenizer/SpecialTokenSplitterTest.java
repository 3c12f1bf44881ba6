package dev.hearth.local.internal.tokenizer;

import dev.hearth.local.internal.tokenizer.SpecialTokenSplitter.Text;
import dev.hearth.local.internal.tokenizer.SpecialTokenSplitter.Token;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpecialTokenSplitterTest {
    private static final String[] PIECES = {"<a>", "x<a>", "<a>b", "", "<|u|>"};
    private static final boolean[] NO_STRIP = new boolean[PIECES.length];

    @Test
    void longerSpecialPiecesWinOverlapsEvenWhenAShorterOneStartsFirst() {
        // llama.cpp tries pieces longest first: "x<a>" and "<a>b" tie on length, so the lower id takes "x<a>"
        SpecialTokenSplitter splitter = new SpecialTokenSplitter(PIECES, new int[] {0, 2}, NO_STRIP);
        assertThat(splitter.split("x<a>b")).containsExactly(new Text("x"), new Token(2));
        assertThat(splitter.split("<a><a>b<a>")).containsExactly(new Token(0), new Token(2), new Token(0));
    }

    @Test
    void plainTextAroundTokensIsKeptVerbatim() {
        SpecialTokenSplitter splitter = new SpecialTokenSplitter(PIECES, new int[] {0, 3}, NO_STRIP);
        assertThat(splitter.split(" a <a>\n<a")).containsExactly(new Text(" a "), new Token(0), new Text("\n<a"));
        assertThat(splitter.split("none here")).containsExactly(new Text("none here"));
    }

    @Test
    void strippingTokensDropTheAsciiWhitespaceAfterThem() {
        boolean[] strips = new boolean[PIECES.length];
        strips[4] = true;
        SpecialTokenSplitter splitter = new SpecialTokenSplitter(PIECES, new int[] {0, 4}, strips);
        assertThat(splitter.split("<|u|> \n\tHi <a> x<|u|>\n"))
                .containsExactly(new Token(4), new Text("Hi "), new Token(0), new Text(" x"), new Token(4));
        assertThat(splitter.split("<|u|>\u00A0Hi")).containsExactly(new Token(4), new Text("\u00A0Hi"));
    }
}
