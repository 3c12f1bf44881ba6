package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.UnsupportedModelException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hand-written GPT-2 and Llama 3 splitters against the regular expressions they implement (run by Java's regex
 * engine as {@link RegexSplitter}), on deterministic random text mixing the character kinds the expressions
 * distinguish, and the pre-tokenizer names.
 */
class PreTokenizerTest {
    private static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2_PATTERN = LLAMA3_PATTERN.replace("\\p{N}{1,3}", "\\p{N}");
    /** Letters, digits, punctuation, symbols, ASCII and Unicode whitespace, marks, CJK, emoji, contractions. */
    private static final String[] POOL = {"a", "Z", "é", "ß", "Ж", "日", "本", "한", "3", "٣", "½", "Ⅻ", ".", ",",
        "!", "'", "\"", "-", "$", "+", "~", "€", "😀", "🦙", "\u0301", " ", " ", " ", "  ", "\t", "\n", "\r\n",
        "\u00A0", "\u2028", "\u3000", "\u000B", "'s", "'T", "'re", "'LL", "'d", "\u200D", "\u0000", "\uE000"};

    @Test
    void gpt2SplitterMatchesTheGpt2Regex() {
        assertSameWords(new Gpt2Splitter(), new RegexSplitter(Gpt2Splitter.PATTERN + "|\\s+"));
    }

    @Test
    void llama3SplitterMatchesTheLlama3Regex() {
        assertSameWords(new Llama3Splitter(3), new RegexSplitter(LLAMA3_PATTERN));
    }

    @Test
    void qwen2SplitterMatchesTheQwen2Regex() {
        assertSameWords(new Llama3Splitter(1), new RegexSplitter(QWEN2_PATTERN));
    }

    @Test
    void llama3GroupsDigitsByThreeAndQwen2OneByOne() {
        assertThat(words(PreTokenizer.forName("llama-bpe"), "1234567 go")).containsExactly("123", "456", "7", " go");
        assertThat(words(PreTokenizer.forName("qwen2"), "12 go")).containsExactly("1", "2", " go");
        assertThat(words(PreTokenizer.forName("gpt-2"), "12345 go")).containsExactly("12345", " go");
    }

    @Test
    void deepseekLlmKeepsTrailingWhitespaceAsItsOwnWord() {
        assertThat(words(PreTokenizer.forName("deepseek-llm"), "Hello world  ")).containsExactly("Hello", " world",
                "  ");
    }

    @Test
    void missingPreTokenizerMeansDefaultAndUnknownOneIsRejectedByName() {
        assertThat(PreTokenizer.forName("").name()).isEqualTo("default");
        assertThat(PreTokenizer.forName(null).name()).isEqualTo("default");
        assertThatThrownBy(() -> PreTokenizer.forName("gemma-7"))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'gemma-7'")
                .hasMessageContaining("tokenizer.ggml.pre");
    }

    @Test
    void onlyTheLlama3FamilyIgnoresMergesAndAddsBosByDefault() {
        assertThat(PreTokenizer.forName("llama3").ignoreMerges()).isTrue();
        assertThat(PreTokenizer.forName("llama3").addsBos()).isTrue();
        assertThat(PreTokenizer.forName("qwen2").ignoreMerges()).isFalse();
        assertThat(PreTokenizer.forName("gpt-2").addsBos()).isFalse();
    }

    private static void assertSameWords(WordSplitter handWritten, WordSplitter regex) {
        SplittableRandom random = new SplittableRandom(20261125L);
        for (int sample = 0; sample < 3000; sample++) {
            StringBuilder text = new StringBuilder();
            int pieces = 1 + random.nextInt(12);
            for (int i = 0; i < pieces; i++) {
                text.append(POOL[random.nextInt(POOL.length)]);
            }
            CodepointText codePoints = new CodepointText(text.toString());
            assertThat(words(handWritten, codePoints))
                    .as("words of \"%s\"", text.toString().replace("\n", "\\n").replace("\r", "\\r"))
                    .isEqualTo(words(regex, codePoints));
        }
    }

    private static List<String> words(WordSplitter splitter, CodepointText text) {
        IntList ends = new IntList(8);
        splitter.split(text, 0, text.length(), ends);
        return toWords(text, ends);
    }

    private static List<String> words(PreTokenizer preTokenizer, String text) {
        CodepointText codePoints = new CodepointText(text);
        return toWords(codePoints, preTokenizer.split(codePoints));
    }

    private static List<String> toWords(CodepointText text, IntList ends) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            words.add(text.text.substring(text.charOffset(start), text.charOffset(ends.get(i))));
            start = ends.get(i);
        }
        return words;
    }
}
