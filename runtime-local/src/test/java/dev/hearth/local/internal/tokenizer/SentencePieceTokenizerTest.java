package dev.hearth.local.internal.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static dev.hearth.local.internal.tokenizer.TestVocabularies.LLAMA_SPM;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.PHI_3;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.STORIES_260K;
import static org.assertj.core.api.Assertions.assertThat;

class SentencePieceTokenizerTest {
    private final Tokenizer llama = TestVocabularies.tokenizer(LLAMA_SPM);
    private final Tokenizer phi3 = TestVocabularies.tokenizer(PHI_3);
    private final Tokenizer stories = TestVocabularies.tokenizer(STORIES_260K);

    @Test
    void stories260KPromptsEncodeWithBosLikeLlama2c() {
        assertThat(stories.vocabularySize()).isEqualTo(512);
        assertThat(stories.encode("Once upon a time, there was a little", true, false))
                .containsExactly(1, 403, 407, 261, 378, 432, 383, 286, 261, 376);
        assertThat(stories.encode("The cat sat on the mat and", true, false))
                .containsExactly(1, 291, 280, 294, 262, 294, 353, 265, 284, 294, 269);
    }

    @Test
    void addSpecialPrependsBosOnlyAndEmptyTextGivesJustBos() {
        assertThat(llama.addsBos()).isTrue();
        assertThat(llama.encode("Hello world", true, false)).containsExactly(1, 15043, 3186);
        assertThat(llama.encode("Hello world", false, false)).containsExactly(15043, 3186);
        assertThat(llama.encode("", true, false)).containsExactly(1);
        assertThat(llama.encode("", false, false)).isEmpty();
    }

    @Test
    void parseSpecialTurnsBosTextIntoTheBosToken() {
        assertThat(llama.encode("<s>", false, true)).containsExactly(1);
        assertThat(llama.encode("<s>", false, false)).doesNotContain(1).isNotEmpty();
        assertThat(llama.decode(llama.encode("<s>", false, false))).isEqualTo(" <s>");
    }

    @Test
    void textAfterASpecialTokenGetsTheDummyPrefixAsInLlamaCpp() {
        // llama.cpp restarts the dummy prefix after every special token, so "world" becomes "▁world"
        assertThat(llama.encode("Hello</s>world", false, true)).containsExactly(15043, 2, 3186);
        assertThat(llama.encode("<s>Hello", true, true)).containsExactly(1, 1, 15043);
    }

    @Test
    void userDefinedTokensAreSplitOffEvenWithoutParseSpecial() {
        // Phi-3 marks "</s>" user-defined; llama.cpp (like Hugging Face) always matches user-defined tokens
        assertThat(phi3.encode("a</s>", false, false)).endsWith(2);
        // its control tokens are only matched when asked
        assertThat(phi3.encode("<|user|>", false, false)).doesNotContain(32010);
        assertThat(phi3.encode("<|user|>", false, true)).containsExactly(32010);
    }

    @Test
    void phi3ChatTokensSwallowTheWhitespaceAfterThem() {
        assertThat(phi3.encode("<|user|>\nHello<|end|>\n<|assistant|>", true, true))
                .containsExactly(1, 32010, 15043, 32007, 32001);
        // <s> is exempt from stripping: the newline after it stays, as "▁" + <0x0A>, and "Hi" has no "▁"
        assertThat(phi3.encode("<s>\nHi", false, true)).containsExactly(1, 29871, 13, 18567);
        assertThat(phi3.tokenText(18567)).isEqualTo("Hi");
    }

    @Test
    void endOfGenerationCoversEosAndChatEndTokens() {
        assertThat(llama.isEndOfGeneration(2)).isTrue();
        assertThat(llama.isEndOfGeneration(1)).isFalse();
        assertThat(llama.isEndOfGeneration(-1)).isFalse();
        assertThat(llama.isEndOfGeneration(32000)).isFalse();
        assertThat(phi3.eosId()).isEqualTo(32000);
        assertThat(phi3.isEndOfGeneration(32000)).as("<|endoftext|>").isTrue();
        assertThat(phi3.isEndOfGeneration(32007)).as("<|end|>").isTrue();
        assertThat(phi3.isEndOfGeneration(32010)).as("<|user|>").isFalse();
    }

    @Test
    void tokenBytesFollowTheTokenType() {
        assertThat(utf8(llama.tokenBytes(15043))).isEqualTo(" Hello");
        assertThat(llama.tokenText(15043)).isEqualTo("▁Hello");
        assertThat(llama.tokenBytes(13)).containsExactly(0x0A);
        assertThat(llama.tokenText(13)).isEqualTo("<0x0A>");
        assertThat(llama.tokenBytes(259)).as("'▁▁'").containsExactly(' ', ' ');
        assertThat(llama.tokenBytes(1)).as("<s> is control").isEmpty();
        assertThat(llama.tokenBytes(2)).as("</s> is control").isEmpty();
        assertThat(utf8(llama.tokenBytes(0))).as("<unk> keeps its text").isEqualTo("<unk>");
        assertThat(utf8(phi3.tokenBytes(2))).as("user-defined keeps its text").isEqualTo("</s>");
    }

    @Test
    void charactersMissingFromTheVocabularyFallBackToByteTokens() {
        int[] ids = llama.encode("🦙", false, false);
        // "▁" then F0 9F A6 99 as <0xF0> <0x9F> <0xA6> <0x99> (byte token id = byte + 3)
        assertThat(ids).containsExactly(29871, 0xF0 + 3, 0x9F + 3, 0xA6 + 3, 0x99 + 3);
        assertThat(llama.decode(ids)).isEqualTo(" 🦙");
    }

    @Test
    void decodeReplacesMalformedUtf8() {
        assertThat(llama.decode(new int[] {15043, 0xF0 + 3})).isEqualTo(" Hello\uFFFD");
    }

    @Test
    void encodesA100KilobyteInputLosslessly() {
        String paragraph = "Once upon a time, 🦙 llamas spoke 日本語 and Ελληνικά; they counted 1234567890 "
                + "sheep\n\tand wrote\u00A0odd   spacing!!! ";
        String text = paragraph.repeat(100_000 / paragraph.length() + 1);
        String repeatedLetter = "a".repeat(100_000);
        // speed is measured by the tokenizer benchmark, not here: a timed unit test fails on a loaded machine
        int[] ids = llama.encode(text, false, false);
        int[] letters = llama.encode(repeatedLetter, false, false);

        assertThat(llama.decode(ids)).isEqualTo(" " + text);
        assertThat(llama.decode(letters)).isEqualTo(" " + repeatedLetter);
        // the repeated unit encodes identically each time (apart from the first, which has the dummy prefix)
        int[] unit = llama.encode(paragraph + paragraph, false, false);
        assertThat(Arrays.copyOfRange(ids, 0, 10)).containsExactly(Arrays.copyOfRange(unit, 0, 10));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
