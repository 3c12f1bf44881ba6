package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.ToolCall;
import dev.hearth.api.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.hearth.remote.providers.FakeServer.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Messages client against responses recorded from Anthropic's API reference, served on 127.0.0.1. */
class AnthropicClientTest {
    private final FakeServer server = new FakeServer();
    private final RemoteRuntime runtime = new RemoteRuntime(Anthropic.messages().apiKey("sk-ant-test-5678")
            .model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1")).sleeper(new RecordingSleeper()).resolve());

    @AfterEach
    void close() {
        runtime.close();
        server.close();
    }

    private static ChatRequest agentTurn() {
        return ChatRequest.builder().system("You are a weather bot.").user("Weather in San Francisco?")
                .message(Message.assistant("Let me look.", List.of(new ToolCall("toolu_1", "get_weather",
                        "{\"location\":\"San Francisco, CA\"}"))))
                .toolResult("toolu_1", "15 C, fog")
                .user("And in fahrenheit?")
                .tools(List.of(OpenAiChatClientTest.WEATHER))
                .options(GenerationOptions.builder().temperature(0).stopSequences("END").build())
                .build();
    }

    @Test
    void streamedTextAndToolUseAreAssembledWithCachedUsage() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("anthropic-stream-tool-use.sse")));
        List<TokenEvent> events = new CopyOnWriteArrayList<>();

        ChatResponse response = runtime.generate(agentTurn(), events::add, new TestSignal());

        assertThat(response.text()).isEqualTo("Okay, let's check the weather:");
        assertThat(events).hasSize(8);
        assertThat(response.toolCalls()).containsExactly(new ToolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather",
                "{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.usage()).isEqualTo(new Usage(472 + 1808, 1808, 89));
        assertThat(response.route().model()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void requestPlacesCacheBreakpointsOnToolsSystemAndTheConversationSoFar() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("anthropic-stream-tool-use.sse")));

        runtime.generate(agentTurn(), event -> { }, new TestSignal());

        FakeServer.Received received = server.lastReceived();
        assertThat(received.path()).isEqualTo("/v1/messages");
        assertThat(received.header("x-api-key")).isEqualTo("sk-ant-test-5678");
        assertThat(received.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(received.header("Authorization")).isNull();
        JsonNode body = received.json();
        assertThat(body.path("max_tokens").asInt()).as("required by Anthropic; the spec's default").isEqualTo(4096);
        assertThat(body.path("stop_sequences").path(0).asText()).isEqualTo("END");
        assertThat(body.path("tools").path(0).path("input_schema").path("type").asText()).isEqualTo("object");
        assertThat(body.path("tools").path(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(body.path("system").path(0).path("text").asText()).isEqualTo("You are a weather bot.");
        assertThat(body.path("system").path(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");

        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.path(1).path("content").path(1).path("type").asText()).isEqualTo("tool_use");
        assertThat(messages.path(1).path("content").path(1).path("input").path("location").asText())
                .isEqualTo("San Francisco, CA");
        JsonNode lastTurn = messages.path(2).path("content");
        assertThat(lastTurn.path(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(lastTurn.path(0).path("tool_use_id").asText()).isEqualTo("toolu_1");
        assertThat(lastTurn.path(1).path("text").asText()).isEqualTo("And in fahrenheit?");
        assertThat(lastTurn.path(1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(lastTurn.path(0).has("cache_control")).isFalse();
        long breakpoints = body.toString().split("cache_control", -1).length - 1;
        assertThat(breakpoints).as("at most 4 breakpoints are allowed").isEqualTo(3);
    }

    @Test
    void aLaterUsageRepeatingOnlyInputTokensKeepsTheCacheCounts() {
        String stream = FakeServer.recorded("anthropic-stream-tool-use.sse").replace(
                "\"usage\":{\"output_tokens\":89}", "\"usage\":{\"input_tokens\":472,\"output_tokens\":89}");
        server.enqueue(FakeServer.stream("text/event-stream", stream));

        ChatResponse response = runtime.generate(agentTurn(), event -> { }, new TestSignal());

        assertThat(response.usage()).isEqualTo(new Usage(472 + 1808, 1808, 89));
    }

    @Test
    void promptCachingCanBeTurnedOff() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("anthropic-stream-tool-use.sse")));
        try (RemoteRuntime uncached = new RemoteRuntime(Anthropic.messages().apiKey("sk-ant-test").model("claude-sonnet-4-5")
                .baseUrl(server.baseUri("/v1")).promptCaching(false).resolve())) {
            uncached.generate(agentTurn(), event -> { }, new TestSignal());
        }
        assertThat(server.lastReceived().body()).doesNotContain("cache_control");
    }

    @Test
    void blockingModeReadsTheWholeMessage() {
        server.enqueue(FakeServer.json(200, recorded("anthropic-message.json")));
        try (RemoteRuntime blocking = new RemoteRuntime(Anthropic.messages().apiKey("sk-ant-test").model("claude-sonnet-4-5")
                .baseUrl(server.baseUri("/v1")).streaming(false).resolve())) {
            ChatResponse response = blocking.generate(agentTurn(), event -> { }, new TestSignal());

            assertThat(response.text()).isEqualTo("I'll check the weather in San Francisco.");
            assertThat(response.toolCalls()).containsExactly(new ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather",
                    "{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
            assertThat(response.usage()).isEqualTo(new Usage(1550, 0, 72));
        }
    }

    @Test
    void temperatureAboveOneIsRejectedBeforeSending() {
        ChatRequest hot = ChatRequest.builder().user("Hi").options(GenerationOptions.builder().temperature(1.5).build()).build();

        assertThatThrownBy(() -> runtime.generate(hot, event -> { }, new TestSignal()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("between 0 and 1, was 1.5");
        assertThat(server.received()).isEmpty();
    }
}
