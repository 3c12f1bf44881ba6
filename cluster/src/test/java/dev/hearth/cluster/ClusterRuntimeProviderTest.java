package dev.hearth.cluster;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.spi.RuntimeSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider is found by name through ServiceLoader and checks its settings before it joins anything. */
class ClusterRuntimeProviderTest {

    @Test
    void unknownOrMissingSettingsAreRefusedByNameBeforeJoining() {
        assertThatThrownBy(() -> InferenceClient.builder()
                .runtime(RuntimeSpec.of("cluster", Map.of("name", "home", "model", "m.gguf", "colour", "red"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> InferenceClient.builder()
                .runtime(RuntimeSpec.of("cluster", Map.of("name", "home"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'model'");
        assertThatThrownBy(() -> InferenceClient.builder()
                .runtime(RuntimeSpec.of("cluster", Map.of("name", "home", "model", "m.gguf", "secret", "short"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("16 characters");
        assertThatThrownBy(() -> Cluster.join(" ")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> InferenceClient.builder().runtime(Cluster.join("home")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a model");
    }
}
