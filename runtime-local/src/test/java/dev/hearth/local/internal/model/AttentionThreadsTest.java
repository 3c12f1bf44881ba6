package dev.hearth.local.internal.model;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attention is split across the worker pool by (head, token), each head computed wholly by one thread, so the number
 * of threads must not change a bit: prefill and decode on one thread and on two give the same logits and the same
 * cached keys and values, and prefill on two threads equals decoding the prompt token by token on one. The prompt is
 * long enough (past {@link WorkerPool#MIN_SPLIT_WORK}) that the two-thread pool really splits the heads, on a
 * model with grouped-query heads, one with a soft-cap and a sliding window, and one with head dimension 16.
 */
class AttentionThreadsTest {
    private static final int DECODED = 6;

    /** Prompt lengths: heads × head dimension × positions must pass the split threshold (gemma2's heads are 16 wide). */
    @ParameterizedTest(name = "{0}, {1} prompt tokens")
    @CsvSource({"llama-Q8_0, 300", "gemma2-F32, 1100", "qwen3-Q8_0, 270"})
    void oneAndTwoThreadsGiveBitIdenticalPrefillAndDecode(String model, int prompt) {
        try (GgufFile file = GgufFile.open(SharedModels.file("parity/models/" + model + ".gguf"));
             WorkerPool one = new WorkerPool(1, "attention-one");
             WorkerPool two = new WorkerPool(2, "attention-two")) {
            int vocabulary = Math.toIntExact(file.tensor("token_embd.weight").orElseThrow().dim(1));
            ModelConfig config = ModelConfig.from(file.metadata(), vocabulary);
            assertThat((long) prompt * config.headCount() * config.headDimension())
                    .as("one token's attention at the end of the prompt is big enough to be split")
                    .isGreaterThanOrEqualTo(WorkerPool.MIN_SPLIT_WORK);
            TransformerModel transformer = new TransformerModel(file, config);
            int context = prompt + DECODED;
            int[] tokens = new int[context];
            int token = 1;
            for (int i = 0; i < context; i++) {
                tokens[i] = token;
                token = (token * 31 + 7) % vocabulary;
            }

            Run tokenByTokenOnOne = new Run(transformer, context);
            for (int position = 0; position < prompt; position++) {
                transformer.forward(tokens[position], position, tokenByTokenOnOne.cache, tokenByTokenOnOne.state, one,
                        position == prompt - 1);
            }
            Run prefillOnOne = new Run(transformer, context);
            transformer.prefill(tokens, 0, prompt, prefillOnOne.cache, prefillOnOne.state, one, true);
            Run prefillOnTwo = new Run(transformer, context);
            transformer.prefill(tokens, 0, prompt, prefillOnTwo.cache, prefillOnTwo.state, two, true);

            assertThat(prefillOnOne.state.logits()).as("prefill, 1 thread vs token by token")
                    .containsExactly(tokenByTokenOnOne.state.logits());
            assertThat(prefillOnTwo.state.logits()).as("prefill, 2 threads vs 1")
                    .containsExactly(prefillOnOne.state.logits());
            prefillOnTwo.assertSameCache(prefillOnOne, config, prompt);

            for (int position = prompt; position < context; position++) {
                transformer.forward(tokens[position], position, prefillOnOne.cache, prefillOnOne.state, one, true);
                transformer.forward(tokens[position], position, prefillOnTwo.cache, prefillOnTwo.state, two, true);
                assertThat(prefillOnTwo.state.logits()).as("decode at %d, 2 threads vs 1", position)
                        .containsExactly(prefillOnOne.state.logits());
            }
            prefillOnTwo.assertSameCache(prefillOnOne, config, context);
        }
    }

    private record Run(KvCache cache, ForwardState state) {
        Run(TransformerModel model, int context) {
            this(model.newKvCache(context), model.newState(context));
        }

        void assertSameCache(Run expected, ModelConfig config, int positions) {
            int floats = positions * config.kvDimension();
            for (int layer = 0; layer < config.layerCount(); layer++) {
                assertThat(Arrays.copyOf(cache.keys(layer), floats)).as("keys of layer %d", layer)
                        .containsExactly(Arrays.copyOf(expected.cache.keys(layer), floats));
                assertThat(Arrays.copyOf(cache.values(layer), floats)).as("values of layer %d", layer)
                        .containsExactly(Arrays.copyOf(expected.cache.values(layer), floats));
            }
        }
    }
}
