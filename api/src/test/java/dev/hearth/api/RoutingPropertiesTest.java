package dev.hearth.api;

import dev.hearth.api.spi.Locality;
import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingPropertiesTest {

    private static Properties properties(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return properties;
    }

    @Test
    void everyKeyIsRead() {
        Routing routing = Routing.fromProperties(properties("""
                routing.policy = local-first
                routing.fallbackOn = unavailable, too-slow, CONTEXT_TOO_LONG
                routing.timeToFirstTokenBudget = 1500ms
                routing.totalLatencyBudget = PT1M
                routing.trustedPeers = node-a, node-b
                routing.allowInternal = THIRD_PARTY
                routing.circuitBreaker.failures = 3
                routing.circuitBreaker.openFor = 2m
                routing.price.openai/gpt-4.1-mini.inputPerMillion = 0.4
                routing.price.openai/gpt-4.1-mini.outputPerMillion = 1.6
                routing.price.local-gguf.perHour = 0.05
                other.key = ignored
                """));

        assertThat(routing.policyName()).isEqualTo("local-first");
        assertThat(routing.fallbacks()).containsExactlyInAnyOrder(Fallback.UNAVAILABLE, Fallback.TOO_SLOW, Fallback.CONTEXT_TOO_LONG);
        assertThat(routing.timeToFirstTokenBudget()).isEqualTo(Duration.ofMillis(1500));
        assertThat(routing.totalLatencyBudget()).isEqualTo(Duration.ofMinutes(1));
        assertThat(routing.trustedPeers()).containsExactlyInAnyOrder("node-a", "node-b");
        assertThat(routing.internalAllowed()).contains(Locality.THIRD_PARTY);
        assertThat(routing.breakerFailures()).isEqualTo(3);
        assertThat(routing.breakerOpenFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(routing.prices()).containsEntry("openai/gpt-4.1-mini", new Price(0.4, 0.4, 1.6, 0))
                .containsEntry("local-gguf", Price.perHour(0.05));
    }

    @Test
    void aPinnedPolicyFromAFileRoutesThere(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("routing.properties");
        Files.writeString(file, "routing.policy=pinned\nrouting.pinned=b\n");
        try (InferenceClient client = InferenceClient.builder()
                .runtime(ScriptedRuntime.builder().name("a").tokens("from a").build())
                .runtime(ScriptedRuntime.builder().name("b").tokens("from b").build())
                .routing(Routing.fromFile(file)).build()) {
            ChatResponse answer = client.chat().user("hi").call();
            assertThat(answer.text()).isEqualTo("from b");
            assertThat(answer.route().reason()).isEqualTo("pinned to b");
        }
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> Routing.fromProperties(properties("routing.polcy = local-first")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'routing.polcy'");
        assertThatThrownBy(() -> Routing.fromProperties(properties("routing.policy = nearest")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'nearest'");
        assertThatThrownBy(() -> Routing.fromProperties(properties("routing.policy = pinned")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("routing.pinned");
        assertThatThrownBy(() -> Routing.fromProperties(properties("routing.timeToFirstTokenBudget = soon")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("routing.timeToFirstTokenBudget")
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> Routing.fromProperties(properties("routing.fallbackOn = unavailable, policy")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'policy'");
        assertThatThrownBy(() -> Routing.fromProperties(properties("routing.price.cloud.perToken = 1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("routing.price.cloud.perToken");
        assertThatThrownBy(() -> Routing.fromProperties(properties("routing.allowInternal = MOON")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'MOON'");
        assertThatThrownBy(() -> Routing.fromFile(Path.of("/nonexistent/routing.properties")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("/nonexistent/routing.properties");
    }
}
