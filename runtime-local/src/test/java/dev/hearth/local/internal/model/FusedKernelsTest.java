package dev.hearth.local.internal.model;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fused QKV and gate/up/activation paths compute exactly what the separate products do, row by row, so turning
 * fusion on must not change a single bit of the logits — on separate and fused-weight layouts (phi3 stores QKV and
 * gate/up fused), SiLU and GeLU, and on a worker pool that really splits the rows.
 */
class FusedKernelsTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2, "fused-test");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-Q8_0", "llama-Q4_0", "llama-Q4_K_M", "llama-F32", "qwen2-Q8_0", "qwen3-F32",
            "phi3-Q8_0", "gemma2-Q4_K_M", "gemma3-Q8_0"})
    void fusedAndSeparateKernelsGiveBitIdenticalLogits(String model) {
        try (GgufFile file = GgufFile.open(SharedModels.file("parity/models/" + model + ".gguf"))) {
            int vocabulary = Math.toIntExact(file.tensor("token_embd.weight").orElseThrow().dim(1));
            ModelConfig config = ModelConfig.from(file.metadata(), vocabulary);
            TransformerModel fused = new TransformerModel(file, config, true);
            TransformerModel separate = new TransformerModel(file, config, false);
            int context = 12;
            KvCache fusedCache = fused.newKvCache(context);
            KvCache separateCache = separate.newKvCache(context);
            ForwardState fusedState = fused.newState(context);
            ForwardState separateState = separate.newState(context);
            int token = 1;
            for (int position = 0; position < context; position++) {
                fused.forward(token, position, fusedCache, fusedState, pool, true);
                separate.forward(token, position, separateCache, separateState, pool, true);
                assertThat(fusedState.logits()).as("logits at position %d", position)
                        .containsExactly(separateState.logits());
                token = (token * 31 + 7) % vocabulary;
            }
        }
    }
}
