package dev.hearth.local.internal.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.sampling.Sampler;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.testing.SharedModels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tier-A comparison rule of shared/models/parity/README.md, in one place for every parity test: with float32
 * activations the engine's logits must lie within relative RMS 1e-5 and max |diff| 2e-3 of the float64 NumPy
 * reference over all prompt positions, give the same top-1 wherever the reference margin exceeds 0.01, and produce
 * the same 32 greedy tokens up to and including the first step whose reference margin is at most 0.01.
 */
final class TierAParity {
    static final double MAX_RELATIVE_RMS = 1e-5;
    static final double MAX_ABSOLUTE_DIFFERENCE = 2e-3;
    static final double NEAR_TIE_MARGIN = 0.01;
    private static final int CONTEXT = 128;

    private TierAParity() {
    }

    /** reference.json, parsed once per test JVM. */
    private static final class Reference {
        static final JsonNode ROOT = load();

        private static JsonNode load() {
            try {
                return new ObjectMapper().readTree(SharedModels.file("parity/reference.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Every model the reference describes, in its order ("llama-F32", ..., "gemma3-Q4_K_M"). */
    static List<String> modelNames() {
        List<String> names = new ArrayList<>();
        Reference.ROOT.get("models").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The prompt keys of one model ("p1", "p2"). */
    static List<String> promptKeys(String modelName) {
        List<String> keys = new ArrayList<>();
        model(modelName).get("prompts").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    static String fileName(String modelName) {
        return model(modelName).get("file").asText();
    }

    private static JsonNode model(String modelName) {
        JsonNode model = Reference.ROOT.get("models").get(modelName);
        assertThat(model).as("model %s in parity/reference.json", modelName).isNotNull();
        return model;
    }

    /** Runs {@code modelName} on prompt {@code promptKey} and asserts the tier-A rule. */
    static void assertTierA(String modelName, String promptKey, WorkerPool pool) throws IOException {
        JsonNode prompt = model(modelName).get("prompts").get(promptKey);
        assertThat(prompt).as("prompt %s of %s", promptKey, modelName).isNotNull();
        int[] promptIds = ints(prompt.get("prompt_ids"));
        int[] expectedTop = ints(prompt.get("numpy_prompt_top1"));
        JsonNode promptMargins = prompt.get("numpy_prompt_margin");
        float[] expected = readFloats(prompt.get("logits_numpy").asText());
        String label = modelName + " " + promptKey;
        try (GgufFile file = GgufFile.open(SharedModels.file("parity/" + fileName(modelName)))) {
            int vocabulary = file.metadata().getStringArray("tokenizer.ggml.tokens").length;
            assertThat(expected).as("%s: reference logits", label).hasSize(promptIds.length * vocabulary);
            TransformerModel model = load(file, vocabulary, label);
            KvCache cache = model.newKvCache(CONTEXT);
            ForwardState state = model.newState(CONTEXT);

            float[] actual = new float[expected.length];
            for (int position = 0; position < promptIds.length; position++) {
                model.forward(promptIds[position], position, cache, state, pool, true);
                System.arraycopy(state.logits(), 0, actual, position * vocabulary, vocabulary);
                if (promptMargins.get(position).asDouble() > NEAR_TIE_MARGIN) {
                    assertThat(Sampler.argmax(state.logits())).as("%s: top-1 at prompt position %d", label, position)
                            .isEqualTo(expectedTop[position]);
                }
            }
            assertLogitsClose(label, actual, expected);

            int[] greedy = ints(prompt.get("numpy_greedy"));
            JsonNode greedyMargins = prompt.get("numpy_greedy_margin");
            int position = promptIds.length;
            for (int step = 0; step < greedy.length; step++) {
                int token = Sampler.argmax(state.logits());
                assertThat(token).as("%s: greedy step %d", label, step).isEqualTo(greedy[step]);
                if (greedyMargins.get(step).asDouble() <= NEAR_TIE_MARGIN) {
                    break; // a near-tie: the reference itself could go either way from here
                }
                model.forward(token, position++, cache, state, pool, true);
            }
        }
    }

    /** Failures name the model: surefire's reports show only the index of a parameterised case. */
    private static TransformerModel load(GgufFile file, int vocabulary, String label) {
        try {
            return new TransformerModel(file, ModelConfig.from(file.metadata(), vocabulary));
        } catch (RuntimeException e) {
            throw new AssertionError(label + ": the engine cannot load the model: " + e, e);
        }
    }

    /** Relative RMS over the whole array and the largest absolute difference. */
    static void assertLogitsClose(String label, float[] actual, float[] expected) {
        double squaredError = 0;
        double squaredReference = 0;
        double maxDifference = 0;
        for (int i = 0; i < expected.length; i++) {
            double difference = (double) actual[i] - expected[i];
            squaredError += difference * difference;
            squaredReference += (double) expected[i] * expected[i];
            maxDifference = Math.max(maxDifference, Math.abs(difference));
        }
        double relativeRms = Math.sqrt(squaredError / squaredReference);
        assertThat(relativeRms).as("%s: relative RMS", label).isLessThanOrEqualTo(MAX_RELATIVE_RMS);
        assertThat(maxDifference).as("%s: max |diff|", label).isLessThanOrEqualTo(MAX_ABSOLUTE_DIFFERENCE);
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
