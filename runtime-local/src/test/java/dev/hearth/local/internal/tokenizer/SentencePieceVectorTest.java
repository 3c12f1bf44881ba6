package dev.hearth.local.internal.tokenizer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static dev.hearth.local.internal.tokenizer.TestVocabularies.LLAMA_2_TINY;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.LLAMA_SPM;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.PHI_3;
import static org.assertj.core.api.Assertions.assertThat;

/** llama.cpp's own tokenizer vectors (Hugging Face ids, add_special=false, parse_special=false) for SPM vocabularies. */
class SentencePieceVectorTest {

    @TestFactory
    Stream<DynamicTest> llamaSpmVocabularyMatchesEveryLlamaCppVector() {
        return vectorTests(LLAMA_SPM, LLAMA_SPM);
    }

    @TestFactory
    Stream<DynamicTest> phi3VocabularyMatchesEveryLlamaCppVector() {
        return vectorTests(PHI_3, PHI_3);
    }

    @Test
    void vectorFilesHoldAll46Cases() {
        assertThat(VocabTestVectors.read(LLAMA_SPM).cases()).hasSize(46);
        assertThat(VocabTestVectors.read(PHI_3).cases()).hasSize(46);
    }

    @Test
    void vectorReaderKeepsWhitespaceOnlyInputsUntrimmed() {
        List<String> texts = VocabTestVectors.read(LLAMA_SPM).cases().stream().map(VocabTestVectors.Case::text).toList();
        assertThat(texts).contains("", " ", "  ", "\t", "\n", "\n\n", "\n\n\n", "Hello world", " Hello world");
        assertThat(VocabTestVectors.splitInputs("a\n__ggml_vocab_test__\n\n\n__ggml_vocab_test__\n"))
                .containsExactly("a", "\n");
    }

    @Test
    void llama2TinyRandomModelHasTheLlamaSpmVocabulary() {
        Tokenizer tiny = TestVocabularies.tokenizer(LLAMA_2_TINY);
        Tokenizer spm = TestVocabularies.tokenizer(LLAMA_SPM);
        assertThat(tiny.vocabularySize()).isEqualTo(32000).isEqualTo(spm.vocabularySize());
        for (int id = 0; id < tiny.vocabularySize(); id++) {
            assertThat(tiny.tokenText(id)).isEqualTo(spm.tokenText(id));
        }
        assertThat(tiny.bosId()).isEqualTo(1);
        assertThat(tiny.eosId()).isEqualTo(2);
        assertThat(tiny.addsBos()).as("no add_bos key: SPM default").isTrue();
    }

    @TestFactory
    Stream<DynamicTest> llama2TinyRandomModelEncodesLikeTheVectors() {
        // every fourth case keeps the run short while covering the whitespace, multilingual and long inputs
        return vectorTests(LLAMA_2_TINY, LLAMA_SPM).filter(test -> Integer.parseInt(
                test.getDisplayName().substring(1, test.getDisplayName().indexOf(' '))) % 4 == 0);
    }

    @TestFactory
    Stream<DynamicTest> decodingTheEncodedVectorsGivesTheInputBackAfterTheDummyPrefix() {
        Tokenizer tokenizer = TestVocabularies.tokenizer(LLAMA_SPM);
        return VocabTestVectors.read(LLAMA_SPM).cases().stream().map(testCase -> DynamicTest.dynamicTest(
                testCase.toString(), () -> {
                    String decoded = tokenizer.decode(tokenizer.encode(testCase.text(), false, false));
                    String expected = testCase.text().isEmpty() ? "" : " " + testCase.text();
                    assertThat(decoded).isEqualTo(expected);
                }));
    }

    private static Stream<DynamicTest> vectorTests(String vocabulary, String vectors) {
        Tokenizer tokenizer = TestVocabularies.tokenizer(vocabulary);
        return VocabTestVectors.read(vectors).cases().stream().map(testCase -> DynamicTest.dynamicTest(
                testCase.toString(),
                () -> assertThat(tokenizer.encode(testCase.text(), false, false))
                        .as("ids of %s", testCase)
                        .containsExactly(testCase.expectedIds())));
    }
}
