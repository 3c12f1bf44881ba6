package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.Message;
import dev.hearth.api.ProviderException;
import dev.hearth.api.TokenEvent;
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

/** The Ollama client against NDJSON streams recorded from Ollama's API documentation, served on 127.0.0.1. */
class OllamaClientTest {
    private final FakeServer server = new FakeServer();
    private final RemoteRuntime runtime = new RemoteRuntime(Ollama.chat().model("llama3.2").baseUrl(server.baseUri(""))
            .resolve());

    @AfterEach
    void close() {
        runtime.close();
        server.close();
    }

    @Test
    void streamedLinesBecomeTokenEventsWithUsage() {
        server.enqueue(FakeServer.stream("application/x-ndjson", recorded("ollama-chat-stream.ndjson")));
        List<TokenEvent> events = new CopyOnWriteArrayList<>();

        ChatResponse response = runtime.generate(ChatRequest.of(Message.user("Why is the sky blue?")), events::add,
                new TestSignal());

        assertThat(events).extracting(TokenEvent::text).containsExactly("The", " sky", " is", " blue");
        assertThat(response.text()).isEqualTo("The sky is blue");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(new Usage(26, 0, 282));
        assertThat(runtime.info().locality()).as("a server on this machine").isEqualTo(Locality.TRUSTED_PEER);
        assertThat(response.timings().decodeTokens()).isEqualTo(282);
        assertThat(response.timings().decode()).as("Ollama's eval_duration, capped by the call's duration")
                .isLessThanOrEqualTo(response.timings().total()).isPositive();
    }

    @Test
    void toolCallsArriveWithArgumentsAsObjects() {
        server.enqueue(FakeServer.stream("application/x-ndjson", recorded("ollama-chat-tool-call.ndjson")));

        ChatResponse response = runtime.generate(ChatRequest.builder().user("Weather in Paris?")
                .tools(List.of(OpenAiChatClientTest.WEATHER)).build(), event -> { }, new TestSignal());

        assertThat(response.toolCalls()).containsExactly(new ToolCall("call_0", "get_current_weather",
                "{\"format\":\"celsius\",\"location\":\"Paris, FR\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void requestMapsOptionsToolsAndToolResults() {
        server.enqueue(FakeServer.stream("application/x-ndjson", recorded("ollama-chat-stream.ndjson")));
        ChatRequest request = ChatRequest.builder().user("Weather in Paris?")
                .message(Message.assistant("", List.of(new ToolCall("call_0", "get_weather", "{\"location\":\"Paris\"}"))))
                .toolResult("call_0", "18 C").tools(List.of(OpenAiChatClientTest.WEATHER))
                .options(GenerationOptions.builder().temperature(0.2).topK(20).maxTokens(50).seed(3).build()).build();

        runtime.generate(request, event -> { }, new TestSignal());

        JsonNode body = server.lastReceived().json();
        assertThat(server.lastReceived().path()).isEqualTo("/api/chat");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("options").path("num_predict").asInt()).isEqualTo(50);
        assertThat(body.path("options").path("top_k").asInt()).isEqualTo(20);
        assertThat(body.path("options").path("seed").asLong()).isEqualTo(3);
        assertThat(body.path("options").path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("messages").path(1).path("tool_calls").path(0).path("function").path("arguments")
                .path("location").asText()).isEqualTo("Paris");
        assertThat(body.path("messages").path(2).path("role").asText()).isEqualTo("tool");
        assertThat(body.path("messages").path(2).path("tool_name").asText()).isEqualTo("get_weather");
        assertThat(body.path("tools").path(0).path("function").path("name").asText()).isEqualTo("get_weather");
    }

    @Test
    void unknownModelBecomesAProviderExceptionWithOllamasMessage() {
        server.enqueue(FakeServer.json(404, recorded("ollama-error-404.json")));

        assertThatThrownBy(() -> runtime.generate(ChatRequest.of(Message.user("Hi")), event -> { }, new TestSignal()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.providerMessage()).isEqualTo("model \"llama3.3\" not found, try pulling it first");
                    assertThat(e.getMessage()).contains("Check the model name");
                });
    }
}
