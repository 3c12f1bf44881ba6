package dev.hearth.local.stage;

import dev.hearth.api.CacheControl;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model split into layer-range stages computes exactly what the whole model computes: only the float32 residual
 * stream crosses a boundary, so logits after a prefill and after every decode step must match to the bit — for
 * architectures with tied and separate output matrices, biases, q/k norms, post-norms and sliding windows.
 */
class StagePipelineTest {
    private static final int CONTEXT = 96;
    private static final CancellationSignal NEVER = new CancellationSignal() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable action) {
        }
    };

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"parity/models/llama-Q8_0.gguf", "parity/models/llama-Q4_K_M.gguf",
            "parity/models/qwen2-Q8_0.gguf", "parity/models/qwen3-Q4_K_M.gguf", "parity/models/phi3-Q8_0.gguf",
            "parity/models/gemma2-Q4_K_M.gguf", "parity/models/gemma3-Q8_0.gguf", "gguf/stories260K.gguf"})
    void oneStagePerLayerGivesTheWholeModelsLogitsBitForBit(String name) {
        Path model = SharedModels.file(name);
        ModelLayout layout = ModelLayout.read(model);
        int layers = layout.layerCount();
        assertThat(layers).as("at least two stages").isGreaterThanOrEqualTo(2);
        int[] prompt = tokens(45, layout.vocabularySize());

        List<float[]> expected;
        try (StagePipeline whole = StagePipeline.local(List.of(open(model, 0, layers)))) {
            expected = prefillAndDecode(whole, prompt);
        }
        List<ModelStage> stages = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            stages.add(open(model, layer, layer + 1));
        }
        List<float[]> split;
        try (StagePipeline pipeline = StagePipeline.local(stages)) {
            split = prefillAndDecode(pipeline, prompt);
        }
        assertThat(split).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(split.get(i)).as("logits of step %d", i).containsExactly(expected.get(i));
        }
    }

    /** Logits after a 45-token prompt (two blocks), then after each of 6 greedy decode steps. */
    private static List<float[]> prefillAndDecode(StagePipeline pipeline, int[] prompt) {
        assertThat(pipeline.begin(prompt, CacheControl.defaults())).isZero();
        List<float[]> logits = new ArrayList<>();
        float[] last = pipeline.forward(prompt, 0, prompt.length, true);
        logits.add(last.clone());
        int[] one = new int[1];
        for (int step = 0; step < 6; step++) {
            one[0] = argmax(last);
            last = pipeline.forward(one, 0, 1, true);
            logits.add(last.clone());
        }
        pipeline.end();
        return logits;
    }

    @Test
    void threeLocalStagesReproduceStories260KsGreedyReferenceThroughTheChatRuntime() throws IOException {
        Path model = SharedModels.stories260K();
        int[] expectedIds = Arrays.stream(Files.readString(SharedModels.file("gguf/stories260K.greedy200.ids")).trim()
                .split(" ")).mapToInt(Integer::parseInt).toArray();
        byte[] expectedText = Files.readAllBytes(SharedModels.file("gguf/stories260K.greedy200.txt"));
        StagePipeline pipeline = StagePipeline.local(List.of(open(model, 0, 2, 256), open(model, 2, 4, 256),
                open(model, 4, 5, 256)));
        try (InferenceRuntime runtime = GgufChat.open(model, pipeline, "staged", Locality.IN_PROCESS)) {
            List<Integer> ids = new ArrayList<>();
            ChatResponse answer = runtime.generate(ChatRequest.builder().message(Message.user(""))
                            .options(GenerationOptions.builder().temperature(0).maxTokens(200).build()).build(),
                    event -> {
                        if (event.tokenId() >= 0) {
                            ids.add(event.tokenId());
                        }
                    }, NEVER);
            assertThat(ids).containsExactly(Arrays.stream(expectedIds, 1, expectedIds.length).boxed().toArray(Integer[]::new));
            assertThat(answer.text().getBytes(StandardCharsets.UTF_8)).isEqualTo(expectedText);
            assertThat(answer.route().runtime()).isEqualTo("staged");
        }
    }

    @Test
    void everyStageRestoresFromItsOwnPrefixCacheAndTheSecondRequestComputesOnlyTheNewTokens() {
        Path model = SharedModels.stories260K();
        PrefixCache first = PrefixCache.inMemory(1 << 20).blockSize(16);
        PrefixCache second = PrefixCache.inMemory(1 << 20).blockSize(16);
        int[] prompt = tokens(40, 512);
        try (ModelStage head = ModelStage.open(model, new LayerRange(0, 3), 128, 1, Optional.of(first));
             ModelStage tail = ModelStage.open(model, new LayerRange(3, 5), 128, 1, Optional.of(second))) {
            StagePipeline pipeline = StagePipeline.local(List.of(head, tail));
            assertThat(pipeline.begin(prompt, CacheControl.defaults())).isZero();
            float[] cold = pipeline.forward(prompt, 0, prompt.length, true).clone();
            pipeline.remember(prompt, CacheControl.defaults(), 0);
            pipeline.end();

            assertThat(pipeline.begin(prompt, CacheControl.defaults())).isEqualTo(32);
            float[] warm = pipeline.forward(prompt, 32, prompt.length, true);
            assertThat(warm).containsExactly(cold);
            pipeline.end();
        }
    }

    @Test
    void aStageOfTheMiddleLayersReadsNeitherEmbeddingNorOutputAndRefusesTokens() {
        Path model = SharedModels.stories260K();
        ModelLayout layout = ModelLayout.read(model);
        assertThat(layout.weightBytes(new LayerRange(1, 4))).isLessThan(layout.weightBytes(LayerRange.all(5)) - layout.embeddingBytes());
        assertThat(layout.weightBytes(new LayerRange(0, 2)) + layout.weightBytes(new LayerRange(2, 5)))
                .isEqualTo(layout.weightBytes(LayerRange.all(5)) + layout.sharedBytes()
                        + (layout.tiedOutput() ? layout.embeddingBytes() : 0));
        try (ModelStage middle = ModelStage.open(model, new LayerRange(1, 4), 64, 1, Optional.empty())) {
            assertThat(middle.embedsTokens()).isFalse();
            assertThat(middle.computesLogits()).isFalse();
            assertThatThrownBy(() -> middle.forwardTokens(new int[] {1}, 0, 1, false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("take hidden states");
            assertThatThrownBy(() -> middle.forwardHidden(new float[64], 1, true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("compute no logits");
            assertThatThrownBy(() -> middle.forwardHidden(new float[10], 1, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden floats");
            assertThatThrownBy(() -> middle.forwardHidden(new float[64 * 40], 40, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 32");
            assertThat(middle.length()).as("a refused call computes nothing").isZero();
        }
    }

    @Test
    void badRangesAndGapsAreRefusedWithTheirNumbers() {
        Path model = SharedModels.stories260K();
        assertThatThrownBy(() -> new LayerRange(3, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 3)");
        assertThatThrownBy(() -> ModelStage.open(model, new LayerRange(2, 9), 64, 1, Optional.empty()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[2, 9)").hasMessageContaining("5 layers");
        assertThatThrownBy(() -> ModelStage.open(model, new LayerRange(0, 5), 64, 0, Optional.empty()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("threads");
        try (ModelStage head = ModelStage.open(model, new LayerRange(0, 2), 64, 1, Optional.empty());
             ModelStage tail = ModelStage.open(model, new LayerRange(3, 5), 64, 1, Optional.empty())) {
            assertThatThrownBy(() -> StagePipeline.local(List.of(head, tail)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 2");
            assertThatThrownBy(() -> StagePipeline.local(List.of(head)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end at layer 2 of 5");
        }
    }

    @Test
    void sessionFilesAreRefusedForASplitModelBeforeAnyWork() throws IOException {
        Path model = SharedModels.stories260K();
        Path file = Files.createTempFile("hearth-session", ".bin");
        try (StagePipeline pipeline = StagePipeline.local(List.of(open(model, 0, 2), open(model, 2, 5)))) {
            assertThatThrownBy(() -> pipeline.begin(new int[] {1, 2, 3}, CacheControl.defaults().saveSessionTo(file)))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("2 stages");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static ModelStage open(Path model, int from, int to) {
        return open(model, from, to, CONTEXT);
    }

    private static ModelStage open(Path model, int from, int to, int context) {
        return ModelStage.open(model, new LayerRange(from, to), context, 2, Optional.empty());
    }

    private static int[] tokens(int count, int vocabulary) {
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = 1 + (i * 7919 + 13) % (vocabulary - 1);
        }
        return tokens;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
