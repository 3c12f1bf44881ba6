package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.TokenEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool choice and log probabilities through the node server on stories260K with the ChatML template shipped with
 * Hearth: the model never writes a call by itself, so a call in the answer can only come from the required or named
 * tool choice; logprobs come back per token in OpenAI's shape; a -100 logit bias removes the greedy first token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolChoiceAndLogprobsTest {
    private static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"strict\":true,\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":6}},"
            + "\"required\":[\"city\"]}}},{\"type\":\"function\",\"function\":{\"name\":\"add\"}}]";
    private StoriesNode node;

    @BeforeAll
    void start() {
        node = StoriesNode.start(builder -> builder, spec -> spec.chatTemplate("chatml"));
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private JsonNode chat(String extra) {
        HttpResponse<String> response = Http.post(node.baseUrl() + "/v1/chat/completions", "{\"model\":\"stories260K\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],\"temperature\":1.0,"
                + "\"max_tokens\":300," + extra + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }

    @Test
    void openAiRequiredAndNamedToolChoiceAlwaysCall() {
        for (int seed = 1; seed <= 4; seed++) {
            JsonNode required = chat("\"seed\":" + seed + ",\"tools\":" + TOOLS + ",\"tool_choice\":\"required\"");
            JsonNode choice = required.path("choices").get(0);
            assertThat(choice.path("finish_reason").asText()).as(required.toString()).isEqualTo("tool_calls");
            JsonNode call = choice.path("message").path("tool_calls").get(0).path("function");
            assertThat(call.path("name").asText()).isIn("get_weather", "add");
            assertThat(Http.json(call.path("arguments").asText()).isObject()).isTrue();

            JsonNode named = chat("\"seed\":" + seed + ",\"tools\":" + TOOLS
                    + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}");
            JsonNode namedCall = named.path("choices").get(0).path("message").path("tool_calls").get(0).path("function");
            assertThat(namedCall.path("name").asText()).as(named.toString()).isEqualTo("get_weather");
            assertThat(Http.json(namedCall.path("arguments").asText()).path("city").isTextual()).isTrue();
        }
        // free choice: the tiny model answers in text
        JsonNode auto = chat("\"seed\":1,\"max_tokens\":20,\"tools\":" + TOOLS);
        assertThat(auto.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void anthropicAnyToolChoiceGivesAToolUseBlock() {
        HttpResponse<String> response = Http.post(node.baseUrl() + "/v1/messages", "{\"model\":\"stories260K\","
                + "\"max_tokens\":300,\"temperature\":1.0,\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}],"
                + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\",\"properties\":"
                + "{\"city\":{\"type\":\"string\",\"maxLength\":20}},\"required\":[\"city\"]}}],"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"}}", "anthropic-version", "2023-06-01");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = Http.json(response);
        assertThat(body.path("stop_reason").asText()).as(body.toString()).isEqualTo("tool_use");
        JsonNode block = body.path("content").get(body.path("content").size() - 1);
        assertThat(block.path("type").asText()).isEqualTo("tool_use");
        assertThat(block.path("name").asText()).isEqualTo("get_weather");
        assertThat(block.path("input").path("city").isTextual()).isTrue();
    }

    @Test
    void chatCompletionsReturnLogprobsPerToken() {
        JsonNode body = chat("\"seed\":3,\"max_tokens\":12,\"logprobs\":true,\"top_logprobs\":3");
        JsonNode content = body.path("choices").get(0).path("logprobs").path("content");
        assertThat(content.size()).isEqualTo(body.path("usage").path("completion_tokens").asInt());
        for (JsonNode token : content) {
            assertThat(token.path("logprob").asDouble()).isLessThanOrEqualTo(0);
            JsonNode top = token.path("top_logprobs");
            assertThat(top.size()).isEqualTo(3);
            assertThat(top.get(0).path("logprob").asDouble()).isGreaterThanOrEqualTo(top.get(1).path("logprob").asDouble());
            assertThat(token.path("logprob").asDouble()).isLessThanOrEqualTo(top.get(0).path("logprob").asDouble());
        }
    }

    @Test
    void minusHundredLogitBiasRemovesTheGreedyFirstToken() {
        List<Integer> greedy = new ArrayList<>();
        node.client.chat().user("Once upon a time").temperature(0).maxTokens(1).stream(token -> greedy.add(token.tokenId()));
        int first = greedy.getFirst();
        List<TokenEvent> biased = new ArrayList<>();
        ChatResponse answer = node.client.chat().user("Once upon a time").temperature(0).maxTokens(1)
                .logitBias(Map.of(first, -100f)).logprobs(1).stream(biased::add);
        assertThat(biased.getFirst().tokenId()).isNotEqualTo(first);
        assertThat(answer.logprobs()).hasSize(1);
        assertThat(answer.logprobs().getFirst().tokenId()).isEqualTo(biased.getFirst().tokenId());
    }
}
