package dev.hearth.local.internal.model;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batched prefill must be an exact replacement for running the prompt token by token: the prefix cache stores and
 * restores keys and values bit for bit, and tier-A parity is measured on the one-token path, so the last token's
 * logits and every cached key and value must match to the bit — across architectures (biases, q/k norms, fused QKV
 * and gate/up, GeGLU, soft-capping, sliding windows), weight formats, block sizes that do not divide the prompt,
 * prefills that start after cached tokens, and a worker pool that really splits the rows.
 */
class PrefillTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2, "prefill-test");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @ParameterizedTest(name = "{0}, {1} tokens after {2}, blocks of {3}")
    @CsvSource({
            "llama-F32, 23, 0, 5",
            "llama-Q8_0, 23, 0, 8",
            "llama-Q4_0, 19, 3, 4",
            "llama-Q4_K_M, 21, 0, 6",
            "llama-F16, 9, 2, 4",
            "llama-BF16, 9, 0, 32",
            "qwen2-Q8_0, 17, 4, 5",
            "qwen3-Q4_K_M, 13, 0, 3",
            "phi3-Q8_0, 15, 0, 4",
            "gemma2-Q4_K_M, 37, 0, 7",
            "gemma2-F32, 29, 5, 9",
            "gemma3-Q8_0, 30, 0, 8"})
    void prefillMatchesTokenByTokenForwardBitForBit(String model, int promptLength, int cachedBefore, int blockSize) {
        try (GgufFile file = GgufFile.open(SharedModels.file("parity/models/" + model + ".gguf"))) {
            int vocabulary = Math.toIntExact(file.tensor("token_embd.weight").orElseThrow().dim(1));
            ModelConfig config = ModelConfig.from(file.metadata(), vocabulary);
            TransformerModel transformer = new TransformerModel(file, config);
            int context = cachedBefore + promptLength + 1;
            int[] tokens = tokens(cachedBefore + promptLength, vocabulary);

            KvCache expectedCache = transformer.newKvCache(context);
            ForwardState expectedState = transformer.newState(context);
            for (int position = 0; position < tokens.length; position++) {
                transformer.forward(tokens[position], position, expectedCache, expectedState, pool,
                        position == tokens.length - 1);
            }

            KvCache cache = transformer.newKvCache(context);
            ForwardState state = transformer.newState(context);
            for (int position = 0; position < cachedBefore; position++) {
                transformer.forward(tokens[position], position, cache, state, pool, false);
            }
            transformer.prefill(tokens, cachedBefore, tokens.length, cache, state, pool, true, blockSize);

            assertThat(state.logits()).as("logits of the last prompt token").containsExactly(expectedState.logits());
            assertThat(cache.length()).isEqualTo(expectedCache.length());
            int cachedFloats = tokens.length * config.kvDimension();
            for (int layer = 0; layer < config.layerCount(); layer++) {
                assertThat(Arrays.copyOf(cache.keys(layer), cachedFloats)).as("keys of layer %d", layer)
                        .containsExactly(Arrays.copyOf(expectedCache.keys(layer), cachedFloats));
                assertThat(Arrays.copyOf(cache.values(layer), cachedFloats)).as("values of layer %d", layer)
                        .containsExactly(Arrays.copyOf(expectedCache.values(layer), cachedFloats));
            }

            // decoding on from the prefilled state gives what decoding on from the token-by-token state gives
            int next = (tokens[tokens.length - 1] * 31 + 7) % vocabulary;
            transformer.forward(next, tokens.length, cache, state, pool, true);
            transformer.forward(next, tokens.length, expectedCache, expectedState, pool, true);
            assertThat(state.logits()).as("logits of the first decoded token").containsExactly(expectedState.logits());
        }
    }

    @Test
    void defaultBlockSizeCrossesABlockBoundaryAndMatchesForward() {
        try (GgufFile file = GgufFile.open(SharedModels.file("parity/models/llama-Q8_0.gguf"))) {
            int vocabulary = Math.toIntExact(file.tensor("token_embd.weight").orElseThrow().dim(1));
            ModelConfig config = ModelConfig.from(file.metadata(), vocabulary);
            TransformerModel transformer = new TransformerModel(file, config);
            int[] tokens = tokens(TransformerModel.PREFILL_BLOCK_TOKENS + 3, vocabulary);
            // a context of 300 makes the cache grow past its first 256 positions inside a block
            int context = 300;
            KvCache expectedCache = transformer.newKvCache(context);
            ForwardState expectedState = transformer.newState(context);
            KvCache cache = transformer.newKvCache(context);
            ForwardState state = transformer.newState(context);
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < tokens.length; i++) {
                    transformer.forward(tokens[i], expectedCache.length(), expectedCache, expectedState, pool,
                            i == tokens.length - 1);
                }
                transformer.prefill(tokens, 0, tokens.length, cache, state, pool, true);
                assertThat(state.logits()).as("round %d", round).containsExactly(expectedState.logits());
            }
            assertThat(cache.length()).isEqualTo(8 * tokens.length);
        }
    }

    @Test
    void prefillPastTheContextFailsBeforeTouchingTheCache() {
        try (GgufFile file = GgufFile.open(SharedModels.file("parity/models/llama-Q8_0.gguf"))) {
            int vocabulary = Math.toIntExact(file.tensor("token_embd.weight").orElseThrow().dim(1));
            ModelConfig config = ModelConfig.from(file.metadata(), vocabulary);
            TransformerModel transformer = new TransformerModel(file, config);
            KvCache cache = transformer.newKvCache(8);
            ForwardState state = transformer.newState(8);
            assertThatThrownBy(() -> transformer.prefill(tokens(9, vocabulary), 0, 9, cache, state, pool, true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("context of 8");
            assertThatThrownBy(() -> transformer.prefill(new int[] {1, vocabulary}, 0, 2, cache, state, pool, true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
            assertThat(cache.length()).isZero();
        }
    }

    private static int[] tokens(int count, int vocabulary) {
        int[] tokens = new int[count];
        int token = 1;
        for (int i = 0; i < count; i++) {
            tokens[i] = token;
            token = (token * 31 + 7) % vocabulary;
        }
        return tokens;
    }
}
