package dev.hearth.remote.providers;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeProvider;
import dev.hearth.api.spi.RuntimeSpec;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteSpecTest {

    @Test
    void everyKindHasAProviderFoundThroughServiceLoader() {
        assertThat(ServiceLoader.load(RuntimeProvider.class).stream().map(p -> p.get().name()))
                .contains("openai", "openai-responses", "anthropic", "ollama", "openai-compatible");
    }

    @Test
    void specsNameTheirProvider() {
        assertThat(OpenAi.chatCompletions().provider()).isEqualTo("openai");
        assertThat(OpenAi.responses().provider()).isEqualTo("openai-responses");
        assertThat(Anthropic.messages().provider()).isEqualTo("anthropic");
        assertThat(Ollama.chat().provider()).isEqualTo("ollama");
        assertThat(OpenAiCompatible.at(URI.create("http://10.0.0.5:8080/v1")).provider()).isEqualTo("openai-compatible");
    }

    @Test
    void settersRejectBadValuesNamingThem() {
        assertThatThrownBy(() -> OpenAi.chatCompletions().model(" ")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("model");
        assertThatThrownBy(() -> OpenAi.chatCompletions().readTimeout(Duration.ZERO))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("readTimeout must be a positive duration");
        assertThatThrownBy(() -> OpenAi.chatCompletions().maxRetries(11)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("between 0 and 10, was 11");
        assertThatThrownBy(() -> OpenAi.chatCompletions().baseUrl(URI.create("ftp://example.com")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("http or https");
        assertThatThrownBy(() -> OpenAi.chatCompletions().baseUrl(URI.create("https://user:pw@example.com/v1")))
                .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("pw");
        assertThatThrownBy(() -> OpenAi.chatCompletions().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("shorter than the initial backoff");
        assertThatThrownBy(() -> OpenAi.chatCompletions().apiKey("")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Anthropic.messages().maxTokensWhenUnlimited(0)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Ollama.chat().locality(Locality.IN_PROCESS)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void openingWithoutAModelFailsNamingTheSetting() {
        assertThatThrownBy(() -> OpenAi.chatCompletions().apiKey("k").resolve())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(".model(");
    }

    @Test
    void cloudProvidersAreThirdPartiesAndServersAreTrustedOnlyOnThisMachineOrWhenSaidSo() {
        assertThat(OpenAi.chatCompletions().apiKey("k").model("m").resolve().locality()).isEqualTo(Locality.THIRD_PARTY);
        assertThat(Anthropic.messages().apiKey("k").model("m").resolve().locality()).isEqualTo(Locality.THIRD_PARTY);
        assertThat(Ollama.chat().model("m").resolve().locality()).isEqualTo(Locality.TRUSTED_PEER);
        URI lan = URI.create("http://192.168.1.20:8080/v1");
        assertThat(OpenAiCompatible.at(lan).resolve().locality()).isEqualTo(Locality.THIRD_PARTY);
        assertThat(OpenAiCompatible.at(lan).locality(Locality.TRUSTED_PEER).resolve().locality())
                .isEqualTo(Locality.TRUSTED_PEER);
        assertThat(OpenAiCompatible.at(URI.create("http://localhost:8080/v1")).resolve().locality())
                .isEqualTo(Locality.TRUSTED_PEER);
    }

    @Test
    void namedSettingsConfigureARuntimeAndUnknownOnesFail() {
        RemoteConfig config = new OpenAiCompatibleProvider().name().equals("openai-compatible")
                ? new OpenAiCompatibleSpec().apply(Map.of("baseUrl", "http://10.0.0.2:8080/v1", "model", "qwen",
                "readTimeout", "45s", "connectTimeout", "500ms", "totalTimeout", "PT5M", "maxRetries", "4",
                "locality", "trusted_peer", "promptCaching", "true", "name", "lan-box")).resolve()
                : null;
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.totalTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.maxRetries()).isEqualTo(4);
        assertThat(config.locality()).isEqualTo(Locality.TRUSTED_PEER);
        assertThat(config.promptCaching()).isTrue();
        assertThat(config.name()).isEqualTo("lan-box");

        assertThatThrownBy(() -> InferenceClient.builder()
                .runtime(RuntimeSpec.of("ollama", Map.of("model", "m", "temprature", "1"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Unknown setting 'temprature'");
        assertThatThrownBy(() -> new OllamaSpec().apply(Map.of("readTimeout", "soon")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("readTimeout must be a duration");
    }

    @Test
    void aProviderRefusesAnotherProvidersSpec() {
        assertThatThrownBy(() -> new AnthropicProvider().open(OpenAi.chatCompletions().apiKey("k").model("m")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("anthropic provider cannot open");
    }

    @Test
    void runtimeInfoNamesProviderAndModel() {
        try (RemoteRuntime runtime = new RemoteRuntime(Ollama.chat().model("qwen3:0.6b").contextLength(8192).resolve())) {
            assertThat(runtime.info().name()).isEqualTo("ollama/qwen3:0.6b");
            assertThat(runtime.info().models()).containsExactly("qwen3:0.6b");
            assertThat(runtime.info().contextLength()).isEqualTo(8192);
        }
    }
}
