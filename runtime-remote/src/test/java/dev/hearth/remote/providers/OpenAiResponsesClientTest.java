package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.Message;
import dev.hearth.api.ToolCall;
import dev.hearth.api.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.hearth.remote.providers.FakeServer.recorded;
import static org.assertj.core.api.Assertions.assertThat;

/** The Responses client against event streams recorded from OpenAI's API reference, served on 127.0.0.1. */
class OpenAiResponsesClientTest {
    private final FakeServer server = new FakeServer();
    private final RemoteRuntime runtime = new RemoteRuntime(OpenAi.responses().apiKey("sk-test-responses")
            .model("gpt-4.1").baseUrl(server.baseUri("/v1")).resolve());

    @AfterEach
    void close() {
        runtime.close();
        server.close();
    }

    @Test
    void streamedTextWithCachedUsage() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("responses-stream-text.sse")));

        ChatResponse response = runtime.generate(ChatRequest.of(Message.user("Hi")), event -> { }, new TestSignal());

        assertThat(response.text()).isEqualTo("Hi there!");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(new Usage(1537, 1408, 3));
    }

    @Test
    void streamedFunctionCallIsAssembled() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("responses-stream-function-call.sse")));

        ChatResponse response = runtime.generate(ChatRequest.builder().user("Weather in Paris?")
                .tools(List.of(OpenAiChatClientTest.WEATHER)).build(), event -> { }, new TestSignal());

        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_1234xyz", "get_weather", "{\"location\":\"Paris, France\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.usage()).isEqualTo(new Usage(291, 0, 23));
    }

    @Test
    void incompleteForMaxOutputTokensEndsWithLength() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("responses-stream-incomplete.sse")));

        ChatResponse response = runtime.generate(ChatRequest.builder().user("Tell a story")
                .options(GenerationOptions.builder().maxTokens(2).build()).build(), event -> { }, new TestSignal());

        assertThat(response.text()).isEqualTo("Once upon");
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(server.lastReceived().json().path("max_output_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void reasoningModelsCanBeAskedWithoutSamplingParameters() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("responses-stream-text.sse")));
        try (RemoteRuntime reasoning = new RemoteRuntime(OpenAi.responses().apiKey("sk-test").model("o4-mini")
                .samplingParameters(false).baseUrl(server.baseUri("/v1")).resolve())) {
            reasoning.generate(ChatRequest.builder().user("Hi").options(GenerationOptions.builder().temperature(0.3)
                    .topP(0.5).build()).build(), event -> { }, new TestSignal());
        }
        JsonNode body = server.lastReceived().json();
        assertThat(body.has("temperature")).isFalse();
        assertThat(body.has("top_p")).isFalse();
    }

    @Test
    void requestIsStatelessWithInstructionsItemsAndAPromptCacheKey() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("responses-stream-text.sse")));
        ChatRequest request = ChatRequest.builder().system("Be brief.").user("Weather in Paris?")
                .message(Message.assistant("", List.of(new ToolCall("call_9", "get_weather", "{\"location\":\"Paris\"}"))))
                .toolResult("call_9", "18 C").tools(List.of(OpenAiChatClientTest.WEATHER)).build();

        runtime.generate(request, event -> { }, new TestSignal());

        JsonNode body = server.lastReceived().json();
        assertThat(server.lastReceived().path()).isEqualTo("/v1/responses");
        assertThat(body.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(body.path("store").asBoolean(true)).isFalse();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("input").path(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("input").path(1).path("type").asText()).isEqualTo("function_call");
        assertThat(body.path("input").path(1).path("call_id").asText()).isEqualTo("call_9");
        assertThat(body.path("input").path(2).path("type").asText()).isEqualTo("function_call_output");
        assertThat(body.path("input").path(2).path("output").asText()).isEqualTo("18 C");
        assertThat(body.path("tools").path(0).path("name").asText()).isEqualTo("get_weather");
        assertThat(body.path("prompt_cache_key").asText())
                .isEqualTo(PromptCacheKey.of("gpt-4.1", request)).startsWith("hearth-");
    }
}
