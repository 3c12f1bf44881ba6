package dev.hearth.local.internal.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.FinishReason;
import dev.hearth.api.InferenceClient;
import dev.hearth.local.Gguf;
import dev.hearth.local.internal.gguf.GgmlType;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufTensorInfo;
import dev.hearth.local.internal.gguf.MetadataArray;
import dev.hearth.local.internal.gguf.MetadataEntry;
import dev.hearth.local.internal.model.Architecture;
import dev.hearth.local.internal.model.ForwardState;
import dev.hearth.local.internal.model.KvCache;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.internal.model.TransformerModel;
import dev.hearth.local.internal.tensor.ScalarReference;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Synthetic models of every architecture and several block formats are real GGUF files: our reader returns every key
 * and tensor as planned, an independent reader written from the GGUF spec agrees, the engine loads them and generates
 * through the public client with sane logits, quantised weights decode to the seeded floats within the format's
 * error bound, and a seed always gives the same bytes.
 */
class SyntheticModelTest {
    @TempDir
    Path directory;

    /** A small shape that every format accepts (rows are multiples of the 256-value K-quant super-block). */
    private static SyntheticModel.Builder small(Architecture architecture) {
        SyntheticModel.Builder builder = SyntheticModel.builder(architecture).embeddingLength(256).layers(2).heads(4)
                .kvHeads(2).feedForwardLength(512).contextLength(256).tokenizerFrom(SharedModels.stories260K()).seed(42);
        return switch (architecture) {
            case QWEN3, GEMMA3 -> builder.headDimension(128); // n_head·head_dim ≠ n_embd, as in the real models
            case GEMMA2 -> builder.slidingWindow(8);
            case LLAMA -> builder.llama3RopeScaling(true);
            default -> builder;
        };
    }

    static Stream<Arguments> architecturesAndFormats() {
        return Arrays.stream(Architecture.values()).flatMap(architecture -> Stream.of("F32", "Q8_0", "Q4_K_M", "Q4_0")
                .map(format -> Arguments.of(architecture, format)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architecturesAndFormats")
    void everyArchitectureAndFormatLoadsAndGeneratesThroughTheClient(Architecture architecture, String format) {
        Path file = directory.resolve(architecture.ggufName() + "-" + format + ".gguf");
        small(architecture).format(WeightFormat.parse(format)).build().write(file);

        try (InferenceClient client = InferenceClient.builder()
                .runtime(Gguf.model(file).threads(2).contextLength(128)).build()) {
            ChatResponse answer = client.chat().user("Once upon a time, there was a little").temperature(0)
                    .maxTokens(12).call();
            assertThat(answer.usage().promptTokens()).isGreaterThan(5);
            assertThat(answer.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
            assertThat(answer.usage().completionTokens()).isBetween(1, 12);
        }
        assertSaneLogits(file);
    }

    /** Logits stay finite and spread out (the recipe aims at std ≈ 16; a broken scale gives 0, huge or NaN). */
    private static void assertSaneLogits(Path file) {
        try (GgufFile gguf = GgufFile.open(file); WorkerPool pool = new WorkerPool(2, "synthetic-test")) {
            int vocabulary = gguf.metadata().getStringArray("tokenizer.ggml.tokens").length;
            ModelConfig config = ModelConfig.from(gguf.metadata(), vocabulary);
            TransformerModel model = new TransformerModel(gguf, config);
            KvCache cache = model.newKvCache(32);
            ForwardState state = model.newState(32);
            Set<Integer> greedy = new HashSet<>();
            int token = 1;
            for (int position = 0; position < 16; position++) {
                model.forward(token, position, cache, state, pool, true);
                float[] logits = state.logits();
                double sum = 0;
                double squares = 0;
                int best = 0;
                for (int i = 0; i < logits.length; i++) {
                    assertThat(Float.isFinite(logits[i])).as("logit %d at %d is finite", i, position).isTrue();
                    sum += logits[i];
                    squares += (double) logits[i] * logits[i];
                    best = logits[i] > logits[best] ? i : best;
                }
                double mean = sum / logits.length;
                double std = Math.sqrt(squares / logits.length - mean * mean);
                assertThat(std).as("logit spread at position %d", position).isBetween(1.0, 100.0);
                greedy.add(best);
                token = best;
            }
            assertThat(greedy).as("greedy tokens over 16 steps").hasSizeGreaterThan(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LLAMA", "PHI3", "QWEN2", "GEMMA3"})
    void ourReaderReturnsEveryPlannedKeyAndTensor(Architecture architecture) {
        SyntheticModel model = small(architecture).format(WeightFormat.q4KM()).build();
        Path file = directory.resolve("model.gguf");
        model.write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            Map<String, MetadataEntry> written = model.metadata();
            assertThat(gguf.metadata().entries().keySet()).containsExactlyElementsOf(written.keySet());
            written.forEach((key, entry) -> {
                MetadataEntry read = gguf.metadata().entry(key).orElseThrow();
                assertThat(read.type()).as(key).isEqualTo(entry.type());
                assertThat(comparable(read.value())).as(key).isEqualTo(comparable(entry.value()));
            });
            List<SyntheticModel.TensorPlan> plans = model.tensorPlans();
            assertThat(gguf.tensors()).hasSize(plans.size());
            for (int i = 0; i < plans.size(); i++) {
                GgufTensorInfo tensor = gguf.tensors().get(i);
                assertThat(tensor.name()).isEqualTo(plans.get(i).name());
                assertThat(tensor.dims()).as(tensor.name()).isEqualTo(plans.get(i).dims());
                assertThat(tensor.type()).as(tensor.name()).isEqualTo(plans.get(i).type());
            }
        }
    }

    private static Object comparable(Object value) {
        if (value instanceof MetadataArray array) {
            Object elements = array.elements();
            Object[] boxed = new Object[Array.getLength(elements)];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = Array.get(elements, i);
            }
            return List.of(array.elementType(), Arrays.asList(boxed));
        }
        return value;
    }

    @Test
    void theQ4_K_MMixPromotesTheOutputAndSomeValueAndDownProjectionsToQ6_K() {
        SyntheticModel model = small(Architecture.LLAMA).layers(8).tiedOutput(true).format(WeightFormat.q4KM()).build();
        Map<String, GgmlType> types = new java.util.HashMap<>();
        model.tensorPlans().forEach(plan -> types.put(plan.name(), plan.type()));

        assertThat(types.get("token_embd.weight")).as("tied output").isEqualTo(GgmlType.Q6_K);
        assertThat(types.get("output_norm.weight")).isEqualTo(GgmlType.F32);
        // llama.cpp's use_more_bits for 8 layers: layers 0, 7 and every third from 1 (1 + 2 = 3, 6)
        for (int layer = 0; layer < 8; layer++) {
            GgmlType expected = Set.of(0, 3, 6, 7).contains(layer) ? GgmlType.Q6_K : GgmlType.Q4_K;
            assertThat(types.get("blk." + layer + ".attn_v.weight")).as("attn_v %d", layer).isEqualTo(expected);
            assertThat(types.get("blk." + layer + ".ffn_down.weight")).as("ffn_down %d", layer).isEqualTo(expected);
            assertThat(types.get("blk." + layer + ".attn_q.weight")).isEqualTo(GgmlType.Q4_K);
            assertThat(types.get("blk." + layer + ".attn_norm.weight")).isEqualTo(GgmlType.F32);
        }
    }

    @Test
    void aRowLengthThatIsNotAWholeSuperBlockFallsBackAsLlamaCppDoes() {
        SyntheticModel model = small(Architecture.LLAMA).embeddingLength(128).heads(2).kvHeads(1)
                .llama3RopeScaling(false).format(WeightFormat.q4KM()).build();
        Map<String, GgmlType> types = new java.util.HashMap<>();
        model.tensorPlans().forEach(plan -> types.put(plan.name(), plan.type()));

        assertThat(types.get("blk.0.attn_q.weight")).isEqualTo(GgmlType.Q5_0);
        assertThat(types.get("output.weight")).isEqualTo(GgmlType.Q8_0);
        assertThat(types.get("blk.1.ffn_down.weight")).as("rows of n_ff = 512, last layer").isEqualTo(GgmlType.Q6_K);
    }

    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q6_K"})
    void quantisedWeightsDecodeToTheSeededFloatsWithinTheFormatsBound(String format) {
        SyntheticModel model = small(Architecture.QWEN2).format(WeightFormat.parse(format)).build();
        Path file = directory.resolve("model.gguf");
        model.write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            for (SyntheticModel.TensorPlan plan : model.tensorPlans()) {
                GgufTensorInfo tensor = gguf.tensor(plan.name()).orElseThrow();
                float[] original = model.values(plan.name());
                float[] decoded = ScalarReference.dequantize(tensor.type(), gguf.data(tensor), tensor.elementCount());
                if (tensor.type() == GgmlType.F32) {
                    assertThat(decoded).as(plan.name()).containsExactly(original);
                    continue;
                }
                int block = tensor.type() == GgmlType.F16 || tensor.type() == GgmlType.BF16 ? 1 : tensor.type().blockSize();
                for (int start = 0; start < original.length; start += block) {
                    float[] values = Arrays.copyOfRange(original, start, start + block);
                    double[] bounds = bounds(tensor.type(), values);
                    for (int i = 0; i < block; i++) {
                        assertThat((double) Math.abs(decoded[start + i] - values[i]))
                                .as("%s value %d", plan.name(), start + i).isLessThanOrEqualTo(bounds[i]);
                    }
                }
            }
        }
    }

    /**
     * Worst-case error per value of one block, from the block alone (the derivations are in QuantizerTest; here with
     * a slightly rounder slack for the fp16 scales): legacy formats are off by at most one step (half for Q8_0 and the
     * min formats), K-quants by their sub-block step plus the rounding of the 6- or 8-bit sub-block scales.
     */
    private static double[] bounds(GgmlType type, float[] block) {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        double magnitude = 0;
        for (float value : block) {
            max = Math.max(max, value);
            min = Math.min(min, value);
            magnitude = Math.max(magnitude, Math.abs(value));
        }
        double fp16 = 1 + 1.0 / 512;
        double[] bounds = new double[block.length];
        switch (type) {
            case F16 -> {
                fill(bounds, block, 1.0 / 2048);
                bounds[0] += Math.scalb(1.0, -25); // half the spacing of fp16 subnormals
            }
            case BF16 -> fill(bounds, block, 1.0 / 256);
            case Q8_0 -> Arrays.fill(bounds, magnitude / 127 * (0.5 + 127 / 2048.0) * fp16);
            case Q4_0 -> Arrays.fill(bounds, magnitude / 8 * (1 + 8 / 2048.0) * fp16);
            case Q5_0 -> Arrays.fill(bounds, magnitude / 16 * (1 + 16 / 2048.0) * fp16);
            case Q4_1 -> Arrays.fill(bounds, (max - min) / 15 * (0.5 + 15 / 2048.0) * fp16 + Math.abs(min) / 2048);
            case Q5_1 -> Arrays.fill(bounds, (max - min) / 31 * (0.5 + 31 / 2048.0) * fp16 + Math.abs(min) / 2048);
            case Q4_K -> {
                double maxStep = 0;
                double maxMin = 0;
                double[] steps = new double[8];
                for (int sub = 0; sub < 8; sub++) {
                    float[] values = Arrays.copyOfRange(block, sub * 32, sub * 32 + 32);
                    double low = Math.min(0, Arrays.stream(toDoubles(values)).min().orElseThrow());
                    steps[sub] = (Arrays.stream(toDoubles(values)).max().orElseThrow() - low) / 15;
                    maxStep = Math.max(maxStep, steps[sub]);
                    maxMin = Math.max(maxMin, -low);
                }
                for (int i = 0; i < 256; i++) {
                    bounds[i] = (steps[i / 32] / 2 + 8 * maxStep / 63 + maxMin / 63) * 1.02;
                }
            }
            case Q6_K -> {
                double maxStep = 0;
                double[] steps = new double[16];
                for (int sub = 0; sub < 16; sub++) {
                    steps[sub] = Arrays.stream(toDoubles(Arrays.copyOfRange(block, sub * 16, sub * 16 + 16)))
                            .map(Math::abs).max().orElseThrow() / 32;
                    maxStep = Math.max(maxStep, steps[sub]);
                }
                for (int i = 0; i < 256; i++) {
                    bounds[i] = (steps[i / 16] + 33 * maxStep / 128) * 1.02;
                }
            }
            default -> throw new IllegalArgumentException(type.toString());
        }
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] += Float.MIN_NORMAL;
        }
        return bounds;
    }

    private static void fill(double[] bounds, float[] block, double relative) {
        for (int i = 0; i < block.length; i++) {
            bounds[i] = Math.abs(block[i]) * relative;
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOtherWeights() throws IOException {
        Path first = directory.resolve("first.gguf");
        Path second = directory.resolve("second.gguf");
        Path other = directory.resolve("other.gguf");
        small(Architecture.GEMMA2).format(WeightFormat.q4KM()).seed(7).build().write(first);
        small(Architecture.GEMMA2).format(WeightFormat.q4KM()).seed(7).build().write(second);
        small(Architecture.GEMMA2).format(WeightFormat.q4KM()).seed(8).build().write(other);

        assertThat(Files.mismatch(first, second)).isEqualTo(-1L);
        assertThat(Files.mismatch(first, other)).isNotEqualTo(-1L);
        assertThat(Files.size(first)).isEqualTo(Files.size(other));
        assertThat(directory.toFile().list()).as("no partial files left").containsExactlyInAnyOrder(
                "first.gguf", "second.gguf", "other.gguf");
    }

    @Test
    void aVocabularyPaddedWithUnusedTokensLoadsAndNeverSurfacesThem() {
        Path file = directory.resolve("padded.gguf");
        SyntheticModel model = small(Architecture.LLAMA).vocabularySize(2048).build();
        model.write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(2048);
            assertThat(gguf.tensor("token_embd.weight").orElseThrow().dims()).containsExactly(256, 2048);
            assertThat(gguf.tensor("output.weight").orElseThrow().dims()).containsExactly(256, 2048);
        }
        try (InferenceClient client = InferenceClient.builder()
                .runtime(Gguf.model(file).threads(2).contextLength(128)).build()) {
            ChatResponse answer = client.chat().user("Once upon a time").temperature(0).maxTokens(8).call();
            assertThat(answer.text()).doesNotContain("hearth_unused");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LLAMA", "PHI3", "GEMMA2", "QWEN3"})
    void anIndependentReaderWrittenFromTheSpecAgreesWithTheFile(Architecture architecture) throws Exception {
        SyntheticModel model = small(architecture).format(WeightFormat.q4KM()).build();
        Path file = directory.resolve("model.gguf");
        model.write(file);

        JsonNode parsed = new ObjectMapper().readTree(runSpecCheck(file));
        assertThat(parsed.get("version").asInt()).isEqualTo(3);
        assertThat(parsed.get("file_size").asLong()).isEqualTo(Files.size(file));
        List<String> keys = new java.util.ArrayList<>();
        parsed.get("metadata").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyElementsOf(model.metadata().keySet());
        assertThat(parsed.get("metadata").get("general.architecture").get("value").asText())
                .isEqualTo(architecture.ggufName());
        JsonNode tokens = parsed.get("metadata").get("tokenizer.ggml.tokens").get("value");
        assertThat(tokens.get("length").asInt()).isEqualTo(model.vocabularySize());
        List<SyntheticModel.TensorPlan> plans = model.tensorPlans();
        JsonNode tensors = parsed.get("tensors");
        assertThat(tensors.size()).isEqualTo(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            JsonNode tensor = tensors.get(i);
            assertThat(tensor.get("name").asText()).isEqualTo(plans.get(i).name());
            assertThat(tensor.get("type").asText()).as(plans.get(i).name()).isEqualTo(plans.get(i).type().name());
            long[] dims = new long[tensor.get("dims").size()];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = tensor.get("dims").get(d).asLong();
            }
            assertThat(dims).as(plans.get(i).name()).isEqualTo(plans.get(i).dims());
        }
    }

    @Test
    void theSpecCheckerRejectsATruncatedFile() throws Exception {
        Path file = directory.resolve("model.gguf");
        small(Architecture.LLAMA).build().write(file);
        Path truncated = directory.resolve("truncated.gguf");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));

        Process process = specCheck(truncated);
        String error = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(error).contains("past the file");
    }

    private static String runSpecCheck(Path file) throws Exception {
        Process process = specCheck(file);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String error = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("spec checker: %s", error).isZero();
        return output;
    }

    private static Process specCheck(Path file) throws Exception {
        Path script = Path.of(SyntheticModelTest.class.getResource("/gguf/gguf_spec_check.py").toURI());
        try {
            return new ProcessBuilder("python3", script.toString(), file.toString()).start();
        } catch (IOException e) {
            throw new AssertionError("This test needs python3 on the PATH to run the independent GGUF reader: "
                    + e.getMessage(), e);
        }
    }

    @Test
    void badSettingsAreRejectedWithTheValueNamed() {
        assertThatThrownBy(() -> WeightFormat.parse("Q2_K")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Q2_K");
        assertThatThrownBy(() -> WeightFormat.parse("Q9")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Q9");
        assertThatThrownBy(() -> SyntheticModel.builder(Architecture.LLAMA).heads(6).kvHeads(4)
                .tokenizerFrom(SharedModels.stories260K()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("6").hasMessageContaining("4");
        assertThatThrownBy(() -> SyntheticModel.builder(Architecture.LLAMA).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("tokenizer");
        assertThatThrownBy(() -> SyntheticModel.builder(Architecture.LLAMA).layers(0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> small(Architecture.LLAMA).vocabularySize(100).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("100");
        assertThatThrownBy(() -> small(Architecture.LLAMA).embeddingLength(200).heads(4).kvHeads(2)
                .format(WeightFormat.parse("Q8_0")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("200");
        assertThatThrownBy(() -> SyntheticPreset.byId("llama-9")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("llama-3.2-1b");
    }

    @Test
    void theLlama32OneBPresetHasTheRealModelsShape() {
        SyntheticModel model = SyntheticPreset.LLAMA_3_2_1B.builder().tokenizerFrom(SharedModels.stories260K())
                .format(WeightFormat.parse("Q8_0")).build();
        Map<String, MetadataEntry> metadata = model.metadata();

        assertThat(metadata.get("llama.embedding_length").value()).isEqualTo(2048L);
        assertThat(metadata.get("llama.block_count").value()).isEqualTo(16L);
        assertThat(metadata.get("llama.attention.head_count").value()).isEqualTo(32L);
        assertThat(metadata.get("llama.attention.head_count_kv").value()).isEqualTo(8L);
        assertThat(metadata.get("llama.feed_forward_length").value()).isEqualTo(8192L);
        assertThat(metadata.get("llama.rope.freq_base").value()).isEqualTo(500000f);
        assertThat(model.vocabularySize()).isEqualTo(128256);
        assertThat(model.tensorPlans()).extracting(SyntheticModel.TensorPlan::name).doesNotContain("output.weight")
                .contains("rope_freqs.weight");
        // Q8_0 of 1,235,814,400 weights plus F32 norms, about the size of the real Llama-3.2-1B Q8_0 file
        assertThat(model.fileSizeEstimate()).isBetween(1_300_000_000L, 1_320_000_000L);
    }
}
