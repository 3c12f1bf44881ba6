package dev.hearth.local.internal.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.sampling.Sampler;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tier-A parity (shared/models/parity/README.md) for the llama formats the engine supports: float32 activations
 * must give logits within relative RMS 1e-5 and max |diff| 2e-3 of the float64 NumPy reference at every prompt
 * position, the same top-1 wherever the reference margin exceeds 0.01, and the same 32 greedy tokens up to the first
 * near-tie.
 */
class LlamaParityTest {
    private static JsonNode reference;
    private static WorkerPool pool;

    @BeforeAll
    static void load() throws IOException {
        reference = new ObjectMapper().readTree(SharedModels.file("parity/reference.json").toFile());
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
        JsonNode model = reference.get("models").get(modelName);
        JsonNode prompt = model.get("prompts").get(promptKey);
        int[] promptIds = ints(prompt.get("prompt_ids"));
        float[] expected = readFloats(prompt.get("logits_numpy").asText());
        try (GgufFile file = GgufFile.open(SharedModels.file("parity/" + model.get("file").asText()))) {
            int vocabulary = file.metadata().getStringArray("tokenizer.ggml.tokens").length;
            LlamaModel llama = new LlamaModel(file, LlamaConfig.from(file.metadata(), vocabulary));
            KvCache cache = llama.newKvCache(128);
            ForwardState state = llama.newState(128);

            float[] actual = new float[expected.length];
            for (int position = 0; position < promptIds.length; position++) {
                llama.forward(promptIds[position], position, cache, state, pool, true);
                System.arraycopy(state.logits(), 0, actual, position * vocabulary, vocabulary);
                int[] expectedTop = ints(prompt.get("numpy_prompt_top1"));
                if (prompt.get("numpy_prompt_margin").get(position).asDouble() > 0.01) {
                    assertThat(Sampler.argmax(state.logits())).as("top-1 at prompt position %d", position).isEqualTo(expectedTop[position]);
                }
            }
            double squaredError = 0;
            double squaredReference = 0;
            double maxDifference = 0;
            for (int i = 0; i < expected.length; i++) {
                double difference = actual[i] - expected[i];
                squaredError += difference * difference;
                squaredReference += (double) expected[i] * expected[i];
                maxDifference = Math.max(maxDifference, Math.abs(difference));
            }
            double relativeRms = Math.sqrt(squaredError / squaredReference);
            assertThat(relativeRms).as("relative RMS").isLessThanOrEqualTo(1e-5);
            assertThat(maxDifference).as("max |diff|").isLessThanOrEqualTo(2e-3);

            int[] greedy = ints(prompt.get("numpy_greedy"));
            JsonNode margins = prompt.get("numpy_greedy_margin");
            int position = promptIds.length;
            for (int step = 0; step < greedy.length; step++) {
                int token = Sampler.argmax(state.logits());
                assertThat(token).as("greedy step %d", step).isEqualTo(greedy[step]);
                if (margins.get(step).asDouble() <= 0.01) {
                    break; // a near-tie: the reference itself could go either way from here
                }
                llama.forward(token, position++, cache, state, pool, true);
            }
        }
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    private static float[] readFloats(String relative) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(SharedModels.file("parity/" + relative))).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
