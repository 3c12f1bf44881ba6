package dev.hearth.api;

import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuntimeSelectionTest {
    private final ScriptedRuntime alpha = ScriptedRuntime.builder().name("a").models("alpha").tokens("from a").build();
    private final ScriptedRuntime beta = ScriptedRuntime.builder().name("b").models("beta", "gamma").tokens("from b").build();
    private final InferenceClient client = InferenceClient.builder().runtime(alpha).runtime(beta).build();

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void requestedModelPicksTheRuntimeServingIt() {
        ChatResponse response = client.chat().user("hi").model("gamma").call();

        assertThat(response.text()).isEqualTo("from b");
        assertThat(response.route()).isEqualTo(new Route("b", "gamma", "serves the requested model gamma", List.of(
                new RouteAttempt("a", RouteAttempt.Outcome.SKIPPED, Fallback.MODEL_MISSING, "does not serve model gamma"))));
        assertThat(alpha.generationsStarted()).isZero();
    }

    @Test
    void withoutAModelTheFirstRuntimeAnswers() {
        ChatResponse response = client.chat().user("hi").call();

        assertThat(response.text()).isEqualTo("from a");
        assertThat(response.route()).isEqualTo(new Route("a", "alpha", "the first configured runtime"));
    }

    @Test
    void unknownModelIsAnInvalidRequestListingTheModelsServed() {
        assertThatThrownBy(() -> client.chat().user("hi").model("delta").call())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'delta'")
                .hasMessageContaining("[alpha, beta, gamma]");
        assertThat(alpha.generationsStarted() + beta.generationsStarted()).isZero();
    }

    @Test
    void runtimesAreListedInConfigurationOrder() {
        assertThat(client.runtimes()).extracting(RuntimeInfo::name).containsExactly("a", "b");
        assertThat(client.runtimes().get(1).defaultModel()).isEqualTo("beta");
    }

    @Test
    void closingTheClientClosesEveryRuntime() {
        client.close();

        assertThat(alpha.isClosed()).isTrue();
        assertThat(beta.isClosed()).isTrue();
    }
}
