package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.Message;
import dev.hearth.api.ProviderException;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.Locality;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.hearth.remote.providers.FakeServer.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Chat Completions client against responses recorded from OpenAI's API reference, served on 127.0.0.1. */
class OpenAiChatClientTest {
    static final Tool WEATHER = new Tool("get_weather", "Current weather for a place.",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}");

    private final FakeServer server = new FakeServer();
    private final RemoteRuntime runtime = new RemoteRuntime(OpenAi.chatCompletions().apiKey("sk-test-key-1234")
            .model("gpt-4.1-mini").baseUrl(server.baseUri("/v1")).sleeper(new RecordingSleeper()).resolve());

    @AfterEach
    void close() {
        runtime.close();
        server.close();
    }

    private static ChatRequest weatherQuestion() {
        return ChatRequest.builder().system("You are a weather bot.").user("What is the weather in Paris?")
                .tools(List.of(WEATHER)).options(GenerationOptions.builder().temperature(0).maxTokens(64).seed(7).build())
                .build();
    }

    @Test
    void streamedTextArrivesAsTokenEventsWithUsageAndCachedTokens() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("openai-chat-stream-text.sse")));
        List<TokenEvent> events = new CopyOnWriteArrayList<>();

        ChatResponse response = runtime.generate(ChatRequest.of(Message.user("Hello!")), events::add, new TestSignal());

        assertThat(response.text()).isEqualTo("Hello! How can I help you today?");
        assertThat(events).extracting(TokenEvent::text)
                .containsExactly("Hello", "!", " How", " can", " I", " help", " you", " today", "?");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(new Usage(1117, 1024, 9));
        assertThat(response.route().model()).isEqualTo("gpt-4o-mini");
        assertThat(runtime.info().locality()).isEqualTo(Locality.THIRD_PARTY);
    }

    @Test
    void streamedToolCallIsAssembledFromItsArgumentFragments() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("openai-chat-stream-tool-call.sse")));

        ChatResponse response = runtime.generate(weatherQuestion(), event -> { }, new TestSignal());

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", "{\"location\":\"Paris, France\"}"));
        assertThat(response.text()).isEmpty();
        assertThat(response.usage()).isEqualTo(new Usage(2006, 1920, 17));
    }

    @Test
    void requestCarriesToolsOptionsStreamUsageAndAPromptCacheKeyFromTheStablePrefix() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("openai-chat-stream-tool-call.sse")),
                FakeServer.stream("text/event-stream", recorded("openai-chat-stream-tool-call.sse")),
                FakeServer.stream("text/event-stream", recorded("openai-chat-stream-tool-call.sse")));
        runtime.generate(weatherQuestion(), event -> { }, new TestSignal());
        ChatRequest followUp = ChatRequest.builder().messages(weatherQuestion().messages())
                .message(Message.assistant("", List.of(new ToolCall("call_1", "get_weather", "{\"location\":\"Paris\"}"))))
                .toolResult("call_1", "18 C, sunny").tools(List.of(WEATHER)).options(GenerationOptions.greedy()).build();
        runtime.generate(followUp, event -> { }, new TestSignal());
        runtime.generate(ChatRequest.builder().system("Another system prompt.").user("Hi").tools(List.of(WEATHER)).build(),
                event -> { }, new TestSignal());

        List<JsonNode> bodies = server.received().stream().map(FakeServer.Received::json).toList();
        JsonNode first = bodies.getFirst();
        assertThat(server.received().getFirst().path()).isEqualTo("/v1/chat/completions");
        assertThat(server.received().getFirst().header("Authorization")).isEqualTo("Bearer sk-test-key-1234");
        assertThat(first.path("model").asText()).isEqualTo("gpt-4.1-mini");
        assertThat(first.path("stream").asBoolean()).isTrue();
        assertThat(first.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(first.path("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(first.path("seed").asLong()).isEqualTo(7);
        assertThat(first.path("temperature").asDouble()).isZero();
        assertThat(first.path("tools").path(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(first.path("tools").path(0).path("function").path("parameters").path("required").path(0).asText())
                .isEqualTo("location");
        assertThat(first.has("stop")).as("stop sequences are matched by the client").isFalse();

        JsonNode second = bodies.get(1);
        assertThat(second.path("messages").path(2).path("tool_calls").path(0).path("function").path("arguments").asText())
                .isEqualTo("{\"location\":\"Paris\"}");
        assertThat(second.path("messages").path(3).path("role").asText()).isEqualTo("tool");
        assertThat(second.path("messages").path(3).path("tool_call_id").asText()).isEqualTo("call_1");

        String key = first.path("prompt_cache_key").asText();
        assertThat(key).startsWith("hearth-");
        assertThat(second.path("prompt_cache_key").asText()).as("same prefix, longer conversation").isEqualTo(key);
        assertThat(bodies.get(2).path("prompt_cache_key").asText()).as("another system prompt").isNotEqualTo(key);
    }

    @Test
    void blockingModeReadsTheWholeCompletion() {
        server.enqueue(FakeServer.json(200, recorded("openai-chat-completion.json")));
        try (RemoteRuntime blocking = new RemoteRuntime(OpenAi.chatCompletions().apiKey("sk-test").model("gpt-4o")
                .baseUrl(server.baseUri("/v1")).streaming(false).resolve())) {
            ChatResponse response = blocking.generate(weatherQuestion(), event -> { }, new TestSignal());

            assertThat(server.lastReceived().json().has("stream")).isFalse();
            assertThat(response.toolCalls()).containsExactly(
                    new ToolCall("call_12345xyz", "get_weather", "{\"location\":\"Paris, France\"}"));
            assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(response.usage()).isEqualTo(new Usage(1117, 0, 46));
        }
    }

    @Test
    void stopSequenceAcrossDeltasEndsTheAnswerAndClosesTheStream() {
        server.enqueue(FakeServer.stream("text/event-stream", recorded("openai-chat-stream-text.sse")));
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        ChatRequest request = ChatRequest.builder().user("Hello!")
                .options(GenerationOptions.builder().stopSequences(" can I").build()).build();

        ChatResponse response = runtime.generate(request, events::add, new TestSignal());

        assertThat(response.text()).isEqualTo("Hello! How");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(events.stream().map(TokenEvent::text).reduce("", String::concat)).isEqualTo("Hello! How");
        assertThat(response.usage().completionTokens()).isEqualTo(events.size());
    }

    @Test
    void invalidKeyBecomesAProviderExceptionWithTheProvidersMessageAndNoRetry() {
        server.enqueue(FakeServer.json(401, recorded("openai-error-401.json")));

        assertThatThrownBy(() -> runtime.generate(ChatRequest.of(Message.user("Hi")), event -> { }, new TestSignal()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.errorType()).isEqualTo("invalid_request_error");
                    assertThat(e.providerMessage()).startsWith("Incorrect API key provided");
                    assertThat(e.getMessage()).contains("OpenAI", "HTTP 401", "Check the API key");
                });
        assertThat(server.received()).hasSize(1);
    }
}
