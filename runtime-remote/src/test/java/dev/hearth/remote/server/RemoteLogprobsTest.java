package dev.hearth.remote.server;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.TokenLogprob;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.remote.providers.Anthropic;
import dev.hearth.remote.providers.OpenAi;
import dev.hearth.remote.providers.OpenAiCompatible;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Log probabilities read back by our OpenAI chat client from a real server (the node, on stories260K): they are the
 * ones the engine computed in process — token texts, values and alternatives — in a whole answer and per streamed
 * token. Providers whose API has none refuse the option by name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteLogprobsTest {
    private StoriesNode node;

    @BeforeAll
    void start() {
        node = StoriesNode.start();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private InferenceClient remote(RuntimeSpec spec) {
        return InferenceClient.builder().runtime(spec).build();
    }

    private RuntimeSpec openAiCompatible() {
        return OpenAiCompatible.at(node.server.baseUri().resolve("/v1")).model(StoriesNode.MODEL)
                .readTimeout(Duration.ofSeconds(60));
    }

    private static void assertSameLogprobs(List<TokenLogprob> remote, List<TokenLogprob> local) {
        assertThat(remote).hasSameSizeAs(local);
        for (int i = 0; i < local.size(); i++) {
            TokenLogprob expected = local.get(i);
            TokenLogprob actual = remote.get(i);
            assertThat(actual.text()).isEqualTo(expected.text());
            assertThat(actual.logprob()).as("token %d", i).isEqualTo(expected.logprob());
            assertThat(actual.top()).extracting(TokenLogprob.Alternative::text)
                    .containsExactlyElementsOf(expected.top().stream().map(TokenLogprob.Alternative::text).toList());
            assertThat(actual.top()).extracting(TokenLogprob.Alternative::logprob)
                    .containsExactlyElementsOf(expected.top().stream().map(TokenLogprob.Alternative::logprob).toList());
        }
    }

    @Test
    void openAiCompatibleClientReadsTheEnginesLogprobs() {
        ChatResponse local = node.client.chat().user(StoriesNode.PROMPT).temperature(0).maxTokens(12).logprobs(3).call();
        assertThat(local.logprobs()).hasSize(12);
        try (InferenceClient client = remote(openAiCompatible())) {
            ChatResponse whole = client.chat().user(StoriesNode.PROMPT).temperature(0).maxTokens(12).logprobs(3).call();
            assertThat(whole.text()).isEqualTo(local.text());
            assertSameLogprobs(whole.logprobs(), local.logprobs());

            List<TokenEvent> events = new ArrayList<>();
            ChatResponse streamed = client.chat().user(StoriesNode.PROMPT).temperature(0).maxTokens(12).logprobs(3)
                    .stream(events::add);
            assertSameLogprobs(streamed.logprobs(), local.logprobs());
            List<TokenLogprob> perEvent = events.stream().filter(event -> event.logprob().isPresent())
                    .map(event -> event.logprob().orElseThrow()).toList();
            assertSameLogprobs(perEvent, local.logprobs());

            ChatResponse without = client.chat().user(StoriesNode.PROMPT).temperature(0).maxTokens(4).call();
            assertThat(without.logprobs()).as("none unless asked").isEmpty();
        }
    }

    @Test
    void providersWithoutLogprobsRefuseThemByName() {
        for (RuntimeSpec spec : List.<RuntimeSpec>of(
                OpenAi.responses().baseUrl(node.server.baseUri().resolve("/v1")).apiKey("unused-on-loopback").model(StoriesNode.MODEL),
                Anthropic.messages().baseUrl(node.server.baseUri().resolve("/v1")).apiKey("unused-on-loopback").model(StoriesNode.MODEL))) {
            try (InferenceClient client = remote(spec)) {
                assertThatThrownBy(() -> client.chat().user(StoriesNode.PROMPT).maxTokens(4).logprobs(1).call())
                        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("logprobs");
            }
        }
    }
}
