package dev.hearth.api;

import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferenceClientBuilderTest {

    @Test
    void buildWithoutRuntimeFailsAndSaysHowToAddOne() {
        assertThatThrownBy(() -> InferenceClient.builder().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No runtime configured")
                .hasMessageContaining(".runtime(");
    }

    @Test
    void unknownProviderNameFailsAndListsTheProvidersFound() {
        assertThatThrownBy(() -> InferenceClient.builder().runtime(RuntimeSpec.of("nope", Map.of())).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'nope'")
                .hasMessageContaining("found: [scripted]");
    }

    @Test
    void namedSpecIsOpenedByTheProviderFoundThroughServiceLoader() {
        RuntimeSpec spec = RuntimeSpec.of("scripted", Map.of("name", "from-settings", "models", "m1,m2", "tokens", "a|b|c"));
        try (InferenceClient client = InferenceClient.builder().runtime(spec).build()) {
            assertThat(client.runtimes()).singleElement().satisfies(info -> {
                assertThat(info.name()).isEqualTo("from-settings");
                assertThat(info.models()).containsExactly("m1", "m2");
            });
            ChatResponse response = client.chat().user("hi").call();
            assertThat(response.text()).isEqualTo("abc");
            assertThat(response.route().runtime()).isEqualTo("from-settings");
            assertThat(response.route().model()).isEqualTo("m1");
            assertThat(response.route().reason()).isEqualTo("the only configured runtime");
        }
    }

    @Test
    void typedSpecIsOpenedByItsProvider() {
        ScriptedRuntime.Builder spec = ScriptedRuntime.builder().name("typed");
        try (InferenceClient client = InferenceClient.builder().runtime(spec).build()) {
            assertThat(client.chat().user("hi").call().text()).isEqualTo("Hello, world!");
            assertThat(spec.runtime().generationsStarted()).isEqualTo(1);
        }
        assertThat(spec.runtime().isClosed()).isTrue();
    }

    @Test
    void providerWhoseOpenThrowsClosesTheRuntimesAlreadyOpened() {
        ScriptedRuntime.Builder first = ScriptedRuntime.builder().name("first");
        ScriptedRuntime direct = ScriptedRuntime.builder().name("direct").build();
        ScriptedRuntime.Builder failing = ScriptedRuntime.builder().name("failing").failOpen();

        assertThatThrownBy(() -> InferenceClient.builder().runtime(first).runtime(direct).runtime(failing).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("fail on open");

        assertThat(first.runtime().isClosed()).isTrue();
        assertThat(direct.isClosed()).isTrue();
        assertThat(failing.built()).isEmpty();
    }

    @Test
    void runtimeHandedOverAfterTheFailingOneIsClosedToo() {
        ScriptedRuntime later = ScriptedRuntime.builder().name("later").build();

        assertThatThrownBy(() -> InferenceClient.builder()
                .runtime(ScriptedRuntime.builder().failOpen()).runtime(later).build())
                .isInstanceOf(ModelLoadException.class);

        assertThat(later.isClosed()).as("the builder took ownership of it").isTrue();
    }

    @Test
    void defaultOptionsApplyToFluentCalls() {
        GenerationOptions defaults = GenerationOptions.builder().maxTokens(2).build();
        try (InferenceClient client = InferenceClient.builder().runtime(ScriptedRuntime.builder()).defaultOptions(defaults).build()) {
            ChatResponse response = client.chat().user("hi").call();
            assertThat(response.text()).isEqualTo("Hello,");
            assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(client.chat().user("hi").request().options()).isEqualTo(defaults);
        }
    }
}
