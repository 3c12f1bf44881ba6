package dev.hearth.local.onnx;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ModelLoadException;
import dev.hearth.api.ModelNotFoundException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.local.onnx.internal.OnnxDecoderRuntime;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wrong models, settings and requests get typed errors that say what was found and what to do. */
class OnnxBadInputTest {
    private static final CancellationSignal NEVER = new CancellationSignal() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable action) {
        }
    };

    @Test
    void aModelWithoutAKvCacheIsUnsupportedAndTheErrorListsItsInputsAndOutputs(@TempDir Path directory) throws IOException {
        // an encoder: input_ids, attention_mask, token_type_ids -> last_hidden_state; neither KV convention
        try (InputStream encoder = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q.onnx")) {
            assertThat(encoder).isNotNull();
            Files.copy(encoder, directory.resolve("model.onnx"));
        }
        assertThatThrownBy(() -> OnnxDecoderRuntime.open(Onnx.model(directory).contextLength(64)))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("token_type_ids int64[-1, -1]")
                .hasMessageContaining("last_hidden_state float[-1, -1, 384]")
                .hasMessageContaining("past_key_values.N.key/value");
    }

    @Test
    void aMissingModelIsNotFound(@TempDir Path directory) {
        assertThatThrownBy(() -> OnnxDecoderRuntime.open(Onnx.model(directory.resolve("absent"))))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("absent");
        assertThatThrownBy(() -> OnnxDecoderRuntime.open(Onnx.model(directory)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("No .onnx file");
    }

    @Test
    void aFileThatIsNotOnnxFailsToLoadWithATypedError(@TempDir Path directory) throws IOException {
        Path bogus = Files.writeString(directory.resolve("model.onnx"), "not a protobuf at all");
        assertThatThrownBy(() -> OnnxDecoderRuntime.open(Onnx.model(bogus).contextLength(16)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("model.onnx");
    }

    @Test
    void aModelWithoutTokenizerRejectsTextButTakesTokenIds() {
        try (InferenceClient client = InferenceClient.builder().runtime(Onnx.model(SharedModels.tinyGpt2Onnx()).threads(1)).build()) {
            assertThatThrownBy(() -> client.call(ChatRequest.builder().user("hello").build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tokenizer.json");
        }
        try (OnnxDecoderRuntime runtime = OnnxDecoderRuntime.open(Onnx.model(SharedModels.tinyGpt2Onnx()).threads(1))) {
            GenerationOptions options = GenerationOptions.builder().temperature(0).maxTokens(2).build();
            assertThatThrownBy(() -> runtime.generateFromTokens(new int[] {0, 1000}, options, event -> { }, NEVER))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("1000");
            assertThatThrownBy(() -> runtime.generateFromTokens(new int[0], options, event -> { }, NEVER))
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void aResponseFormatIsRefusedNotIgnored() {
        // without tokenizer.json the runtime does not know its tokens' bytes: it cannot constrain them, so it says so
        try (OnnxDecoderRuntime runtime = OnnxDecoderRuntime.open(Onnx.model(SharedModels.tinyGpt2Onnx()).threads(1))) {
            GenerationOptions options = GenerationOptions.builder().temperature(0).maxTokens(2)
                    .responseFormat(dev.hearth.api.ResponseFormat.json()).build();
            assertThatThrownBy(() -> runtime.generateFromTokens(new int[] {0, 52}, options, event -> { }, NEVER))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not supported by this runtime");
        }
    }

    @Test
    void aPromptLongerThanTheContextOverflows() {
        try (OnnxDecoderRuntime runtime = OnnxDecoderRuntime.open(Onnx.model(SharedModels.tinyGpt2Onnx()).threads(1).contextLength(3))) {
            GenerationOptions options = GenerationOptions.builder().temperature(0).maxTokens(2).build();
            assertThatThrownBy(() -> runtime.generateFromTokens(new int[] {0, 0, 0, 52}, options, event -> { }, NEVER))
                    .isInstanceOfSatisfying(ContextOverflowException.class, e -> {
                        assertThat(e.promptTokens()).isEqualTo(4);
                        assertThat(e.contextLength()).isEqualTo(3);
                    });
        }
        assertThatThrownBy(() -> OnnxDecoderRuntime.open(Onnx.model(SharedModels.tinyGpt2Onnx()).contextLength(513)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("512");
    }

    @Test
    void specSettersAndNamedSettingsRejectBadValuesByName() {
        assertThatThrownBy(() -> Onnx.model(Path.of("m")).threads(0)).isInstanceOf(ConfigurationException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> Onnx.allMiniLmL6V2().batchSize(0)).isInstanceOf(ConfigurationException.class).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> InferenceClient.builder().runtime(RuntimeSpec.of("onnx", Map.of("model", "x", "colour", "red"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> InferenceClient.builder().runtime(RuntimeSpec.of("onnx", Map.of("task", "translate", "model", "x"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("translate");
        assertThatThrownBy(() -> InferenceClient.builder().runtime(RuntimeSpec.of("onnx", Map.of("model", "x", "threads", "many"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("many");
    }

    @Test
    void namedSettingsOpenBothKindsOfModel() {
        try (InferenceClient client = InferenceClient.builder()
                .runtime(RuntimeSpec.of("onnx", Map.of("model", SharedModels.tinyLlamaOnnxFp16().toString(), "threads", "1")))
                .runtime(RuntimeSpec.of("onnx", Map.of("task", "embed", "model", "all-minilm-l6-v2", "batchSize", "4")))
                .build()) {
            assertThat(client.runtimes()).extracting(info -> info.defaultModel())
                    .containsExactly("tiny-random-LlamaForCausalLM-fp16", "all-minilm-l6-v2");
            assertThat(client.call(ChatRequest.builder().user("Hello")
                    .options(GenerationOptions.builder().temperature(0).maxTokens(3).build()).build()).usage().completionTokens())
                    .isEqualTo(3);
            assertThat(client.embed(java.util.List.of("Hello")).embeddings().getFirst().dimensions()).isEqualTo(384);
        }
    }

    @Test
    void closingTheClientClosesTheRuntimeItWasGiven() {
        OnnxDecoderRuntime runtime = OnnxDecoderRuntime.open(Onnx.model(SharedModels.tinyLlamaOnnxFp16()).threads(1));
        InferenceClient client = InferenceClient.builder().runtime(runtime).build();
        client.call(ChatRequest.builder().user("Hi").options(GenerationOptions.builder().maxTokens(2).build()).build());
        client.close();

        GenerationOptions options = GenerationOptions.builder().temperature(0).maxTokens(2).build();
        assertThatThrownBy(() -> runtime.generateFromTokens(new int[] {1, 52}, options, event -> { }, NEVER))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("closed");
    }

    @Test
    void aClosedRuntimeRefusesNewGenerations() {
        OnnxDecoderRuntime runtime = OnnxDecoderRuntime.open(Onnx.model(SharedModels.tinyGpt2Onnx()).threads(1));
        runtime.close();
        runtime.close();
        GenerationOptions options = GenerationOptions.builder().temperature(0).maxTokens(2).build();
        assertThatThrownBy(() -> runtime.generateFromTokens(new int[] {0, 52}, options, event -> { }, NEVER))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("closed");
    }
}
