package dev.hearth.local;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ModelFormatException;
import dev.hearth.api.ModelNotFoundException;
import dev.hearth.api.Tool;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind of bad input gets a clear, typed error. */
class BadInputTest {

    @TempDir
    Path temp;

    private static InferenceClient open(Path model) {
        return InferenceClient.builder().runtime(Gguf.model(model).threads(1)).build();
    }

    @Test
    void missingModelPath() {
        assertThatThrownBy(() -> open(temp.resolve("nope.gguf")))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("nope.gguf");
    }

    @Test
    void directoryInsteadOfAFile() {
        assertThatThrownBy(() -> open(temp)).isInstanceOf(ModelNotFoundException.class).hasMessageContaining("directory");
    }

    @Test
    void fileThatIsNotGguf() throws IOException {
        Path notGguf = Files.writeString(temp.resolve("model.gguf"), "{\"weights\": []}");
        assertThatThrownBy(() -> open(notGguf)).isInstanceOf(ModelFormatException.class).hasMessageContaining("magic");
    }

    @Test
    void promptLongerThanTheContextCarriesBothSizes() {
        try (InferenceClient client = InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.stories260K()).threads(1).contextLength(32)).build()) {
            String longPrompt = "Once upon a time, there was a little girl named Lily. ".repeat(10);
            assertThatThrownBy(() -> client.chat().user(longPrompt).maxTokens(4).call())
                    .isInstanceOfSatisfying(ContextOverflowException.class, e -> {
                        assertThat(e.contextLength()).isEqualTo(32);
                        assertThat(e.promptTokens()).isGreaterThan(32);
                        assertThat(e.getMessage()).contains(String.valueOf(e.promptTokens())).contains("32");
                    });
            // the runtime is still usable afterwards
            assertThat(client.chat().user("Once").maxTokens(4).call().usage().completionTokens()).isPositive();
        }
    }

    @Test
    void unknownArchitectureIsNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedModels.stories260K());
        byte[] key = "general.architecture".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, key);
        assertThat(at).isPositive();
        // key, uint32 type (8 = string), uint64 length (5), then "llama": overwrite with another 5-letter architecture
        int value = at + key.length + 4 + 8;
        assertThat(new String(bytes, value, 5, StandardCharsets.US_ASCII)).isEqualTo("llama");
        System.arraycopy("bloom".getBytes(StandardCharsets.US_ASCII), 0, bytes, value, 5);
        Path bloom = Files.write(temp.resolve("bloom.gguf"), bytes);
        assertThatThrownBy(() -> open(bloom)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'bloom'").hasMessageContaining("llama");
    }

    @Test
    void invalidOptionsAreRejectedByName() {
        try (InferenceClient client = open(SharedModels.stories260K())) {
            assertThatThrownBy(() -> client.chat().user("x").temperature(-0.5).call())
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("temperature").hasMessageContaining("-0.5");
            assertThatThrownBy(() -> client.chat().user("x").topP(0).call())
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("topP");
            assertThatThrownBy(() -> client.chat().user("x").topP(1.5).call())
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("topP").hasMessageContaining("1.5");
            assertThatThrownBy(() -> client.chat().user("x").maxTokens(0).call())
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maxTokens");
        }
    }

    @Test
    void toolsOnAModelWithoutAChatTemplateAreRefused() {
        try (InferenceClient client = open(SharedModels.stories260K())) {
            Tool tool = new Tool("read_file", "Reads a file", "{\"type\":\"object\"}");
            assertThatThrownBy(() -> client.chat().user("x").tools(tool).call())
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("chat template");
        }
    }

    @Test
    void badSpecSettingsFailFast() {
        assertThatThrownBy(() -> Gguf.model(SharedModels.stories260K()).threads(0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> Gguf.model(SharedModels.stories260K()).contextLength(-1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("contextLength");
        assertThatThrownBy(() -> InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.stories260K()).contextLength(1 << 20)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("2048");
        assertThatThrownBy(() -> InferenceClient.builder()
                .runtime(RuntimeSpec.of("gguf", Map.of("model", SharedModels.stories260K().toString(), "threads", "many"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("threads").hasMessageContaining("many");
    }

    @Test
    void namedSpecFromConfigurationOpensTheModel() {
        try (InferenceClient client = InferenceClient.builder()
                .runtime(RuntimeSpec.of("gguf", Map.of("model", SharedModels.stories260K().toString(), "threads", "1")))
                .build()) {
            assertThat(client.chat().user("Once").temperature(0).maxTokens(3).call().usage().completionTokens()).isEqualTo(3);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
