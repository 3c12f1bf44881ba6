package dev.hearth.local.internal.model;

import dev.hearth.local.internal.threads.WorkerPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

/**
 * Tier-A parity (shared/models/parity/README.md, rule in {@link TierAParity}) for the llama formats, one row per
 * weight format: float32 activations must match the float64 NumPy reference whatever the weights' block format.
 */
class LlamaParityTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2, "parity");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "llama-F32, p1", "llama-F32, p2",
            "llama-F16, p1", "llama-F16, p2",
            "llama-BF16, p1", "llama-BF16, p2",
            "llama-Q8_0, p1", "llama-Q8_0, p2",
            "llama-Q4_0, p1", "llama-Q4_0, p2",
            "llama-Q4_1, p1", "llama-Q4_1, p2",
            "llama-Q5_0, p1", "llama-Q5_0, p2",
            "llama-Q5_1, p1", "llama-Q5_1, p2",
            "llama-Q2_K, p1", "llama-Q2_K, p2",
            "llama-Q3_K, p1", "llama-Q3_K, p2",
            "llama-Q4_K, p1", "llama-Q4_K, p2",
            "llama-Q5_K, p1", "llama-Q5_K, p2",
            "llama-Q6_K, p1", "llama-Q6_K, p2",
            "llama-Q4_K_M, p1", "llama-Q4_K_M, p2"})
    void float32PathMeetsTierA(String modelName, String promptKey) throws IOException {
        TierAParity.assertTierA(modelName, promptKey, pool);
    }
}
