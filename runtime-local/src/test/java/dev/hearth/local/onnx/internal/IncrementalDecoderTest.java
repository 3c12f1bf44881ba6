package dev.hearth.local.onnx.internal;

import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streaming text token by token with the Llama-2 tokenizer (byte fallback, a leading-space marker, a Strip decoder)
 * gives exactly the text of decoding all tokens at once, without ever releasing half a character.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncrementalDecoderTest {
    private HfTokenizer tokenizer;

    @BeforeAll
    void open() {
        tokenizer = HfTokenizer.forGeneration(SharedModels.tinyLlamaOnnxFp16().resolve("tokenizer.json"));
    }

    @AfterAll
    void close() {
        tokenizer.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Hello world, this is a test.",
            "Grüße aus Köln: 東京 and emoji 🎉 between   spaces",
            "  leading spaces and\nnew lines\n"})
    void streamedPiecesConcatenateToTheWholeDecodedText(String text) {
        long[] ids = tokenizer.encode(text);
        // drop the BOS the post-processor adds: the answer follows the prompt
        long[] answer = Arrays.copyOfRange(ids, 1, ids.length);
        IncrementalDecoder decoder = new IncrementalDecoder(tokenizer, new long[0]);
        StringBuilder streamed = new StringBuilder();
        for (long id : answer) {
            String piece = decoder.push(Math.toIntExact(id));
            assertThat(piece).doesNotContain("\uFFFD");
            streamed.append(piece);
        }
        streamed.append(decoder.flush());

        assertThat(streamed.toString()).isEqualTo(tokenizer.decode(answer));
    }

    @Test
    void theFirstAnswerTokenKeepsItsLeadingSpaceAfterThePrompt() {
        long[] prompt = tokenizer.encode("The cat");
        long[] answer = Arrays.copyOfRange(tokenizer.encode("The cat sat"), prompt.length, prompt.length + 1);
        IncrementalDecoder decoder = new IncrementalDecoder(tokenizer, prompt);

        assertThat(decoder.push(Math.toIntExact(answer[0])) + decoder.flush()).isEqualTo(" sat");
    }

    @Test
    void invalidBytesAreReleasedOnceNoCharacterCanCompleteThem() {
        // <0xC9> five times: each starts a two-byte sequence that the next never completes
        IncrementalDecoder decoder = new IncrementalDecoder(tokenizer, new long[0]);
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            streamed.append(decoder.push(3 + 0xC9));
        }
        streamed.append(decoder.flush());

        assertThat(streamed.toString()).isEqualTo(tokenizer.decode(new long[] {204, 204, 204, 204, 204}));
    }
}
