package dev.hearth.local.internal.tokenizer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static dev.hearth.local.internal.tokenizer.TestVocabularies.BERT_BGE;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.DEEPSEEK_CODER;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.DEEPSEEK_LLM;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.FALCON;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.GPT_2;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.LLAMA_BPE;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.STARCODER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * llama.cpp's tokenizer vectors (Hugging Face ids, add_special=false, parse_special=false) for every byte-level BPE
 * and WordPiece vocabulary in shared/models/llama.cpp-vocab. All 46 cases of each must pass.
 *
 * <p>{@code ggml-vocab-qwen2.gguf.inp/.out} are in that directory too, but upstream's qwen2 vocabulary GGUF (over
 * 4 MiB) was not copied, so there is nothing to run them against: they are deliberately not a case here. The qwen2
 * pre-tokenizer shares its splitter with Llama 3 (single digits instead of up to three), which the llama-bpe vectors
 * exercise.
 */
class BpeVectorTest {

    @TestFactory
    Stream<DynamicTest> gpt2() {
        return vectorTests(TestVocabularies.tokenizer(GPT_2), GPT_2);
    }

    @TestFactory
    Stream<DynamicTest> starcoder() {
        return vectorTests(TestVocabularies.tokenizer(STARCODER), STARCODER);
    }

    @TestFactory
    Stream<DynamicTest> falcon() {
        return vectorTests(TestVocabularies.tokenizer(FALCON), FALCON);
    }

    @TestFactory
    Stream<DynamicTest> deepseekCoder() {
        return vectorTests(TestVocabularies.tokenizer(DEEPSEEK_CODER), DEEPSEEK_CODER);
    }

    @TestFactory
    Stream<DynamicTest> deepseekLlm() {
        return vectorTests(TestVocabularies.tokenizer(DEEPSEEK_LLM), DEEPSEEK_LLM);
    }

    @TestFactory
    Stream<DynamicTest> llamaBpeFromGguf() {
        return vectorTests(TestVocabularies.tokenizer(LLAMA_BPE), LLAMA_BPE);
    }

    @TestFactory
    Stream<DynamicTest> llamaBpeFromEncoderJsonAndVocabBpe() {
        return vectorTests(TestVocabularies.llama3FromFiles(), LLAMA_BPE);
    }

    @TestFactory
    Stream<DynamicTest> bertBgeWordPiece() {
        return vectorTests(TestVocabularies.tokenizer(BERT_BGE), BERT_BGE);
    }

    @Test
    void everyVectorFileHolds46Cases() {
        for (String vocabulary : new String[] {GPT_2, STARCODER, FALCON, DEEPSEEK_CODER, DEEPSEEK_LLM, LLAMA_BPE,
                BERT_BGE}) {
            assertThat(VocabTestVectors.read(vocabulary).cases()).as(vocabulary).hasSize(46);
        }
    }

    @TestFactory
    Stream<DynamicTest> byteLevelVocabulariesDecodeTheirVectorsBackToTheInput() {
        return Stream.of(GPT_2, STARCODER, FALCON, DEEPSEEK_CODER, DEEPSEEK_LLM, LLAMA_BPE).flatMap(vocabulary -> {
            Tokenizer tokenizer = TestVocabularies.tokenizer(vocabulary);
            return VocabTestVectors.read(vocabulary).cases().stream().map(testCase -> DynamicTest.dynamicTest(
                    vocabulary.substring(vocabulary.lastIndexOf('/') + 1) + " " + testCase,
                    () -> assertThat(tokenizer.decode(testCase.expectedIds())).isEqualTo(testCase.text())));
        });
    }

    private static Stream<DynamicTest> vectorTests(Tokenizer tokenizer, String vectors) {
        return VocabTestVectors.read(vectors).cases().stream().map(testCase -> DynamicTest.dynamicTest(
                testCase.toString(),
                () -> assertThat(tokenizer.encode(testCase.text(), false, false))
                        .as("ids of %s", testCase)
                        .containsExactly(testCase.expectedIds())));
    }
}
