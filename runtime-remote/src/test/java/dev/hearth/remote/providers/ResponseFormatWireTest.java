package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.hearth.remote.providers.FakeServer.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A request's response format reaches each provider in its own wire format, or is refused; it is never dropped. */
class ResponseFormatWireTest {
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}";
    private final FakeServer server = new FakeServer();

    @AfterEach
    void close() {
        server.close();
    }

    private static ChatRequest request(ResponseFormat format) {
        return ChatRequest.builder().user("Give me JSON")
                .options(GenerationOptions.builder().responseFormat(format).build()).build();
    }

    @Test
    void openAiChatSendsResponseFormat() {
        try (RemoteRuntime runtime = new RemoteRuntime(OpenAi.chatCompletions().apiKey("sk-test-key-1234")
                .model("gpt-4.1-mini").baseUrl(server.baseUri("/v1")).resolve())) {
            server.enqueue(FakeServer.stream("text/event-stream", recorded("openai-chat-stream-text.sse")));
            runtime.generate(request(ResponseFormat.jsonSchema("thing", SCHEMA, true)), event -> { }, new TestSignal());
            JsonNode format = server.received().getLast().json().path("response_format");
            assertThat(format.path("type").asText()).isEqualTo("json_schema");
            assertThat(format.path("json_schema").path("name").asText()).isEqualTo("thing");
            assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
            assertThat(format.path("json_schema").path("schema").path("properties").path("a").path("type").asText())
                    .isEqualTo("integer");

            assertThatThrownBy(() -> runtime.generate(request(ResponseFormat.grammar("root ::= \"a\"")), event -> { },
                    new TestSignal())).isInstanceOf(InvalidRequestException.class).hasMessageContaining("GBNF");
        }
    }

    @Test
    void ollamaSendsFormat() {
        try (RemoteRuntime runtime = new RemoteRuntime(Ollama.chat().model("llama3.2").baseUrl(server.baseUri(""))
                .resolve())) {
            server.enqueue(FakeServer.stream("application/x-ndjson", recorded("ollama-chat-stream.ndjson")));
            runtime.generate(request(ResponseFormat.json()), event -> { }, new TestSignal());
            assertThat(server.received().getLast().json().path("format").asText()).isEqualTo("json");

            server.enqueue(FakeServer.stream("application/x-ndjson", recorded("ollama-chat-stream.ndjson")));
            runtime.generate(request(ResponseFormat.jsonSchema("thing", SCHEMA, true)), event -> { }, new TestSignal());
            assertThat(server.received().getLast().json().path("format").path("type").asText()).isEqualTo("object");
        }
    }

    @Test
    void anthropicSendsASchemaAsOutputConfigAndRefusesWhatItCannotCarry() {
        try (RemoteRuntime runtime = new RemoteRuntime(Anthropic.messages().apiKey("sk-ant-test-5678")
                .model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1")).resolve())) {
            assertThatThrownBy(() -> runtime.generate(request(ResponseFormat.json()), event -> { }, new TestSignal()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("JSON schema only");
            assertThatThrownBy(() -> runtime.generate(request(ResponseFormat.grammar("root ::= \"a\"")), event -> { },
                    new TestSignal())).isInstanceOf(InvalidRequestException.class);
            assertThat(server.received()).isEmpty();

            server.enqueue(FakeServer.stream("text/event-stream", recorded("anthropic-stream-tool-use.sse")));
            try {
                runtime.generate(request(ResponseFormat.jsonSchema("thing", SCHEMA, true)), event -> { }, new TestSignal());
            } catch (RuntimeException ignored) {
                // only the request body matters here
            }
            JsonNode format = server.received().getLast().json().path("output_config").path("format");
            assertThat(format.path("type").asText()).isEqualTo("json_schema");
            assertThat(format.path("schema").path("properties").path("a").path("type").asText()).isEqualTo("integer");
        }
    }

    private static final Tool WEATHER = new Tool("weather", "Weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

    private static ChatRequest withTools(GenerationOptions options) {
        return ChatRequest.builder().user("Weather?").tools(java.util.List.of(WEATHER)).options(options).build();
    }

    @Test
    void openAiChatSendsToolChoiceBiasAndPenalties() {
        try (RemoteRuntime runtime = new RemoteRuntime(OpenAi.chatCompletions().apiKey("sk-test-key-1234")
                .model("gpt-4.1-mini").baseUrl(server.baseUri("/v1")).resolve())) {
            server.enqueue(FakeServer.stream("text/event-stream", recorded("openai-chat-stream-text.sse")));
            runtime.generate(withTools(GenerationOptions.builder().toolChoice(ToolChoice.named("weather"))
                    .logitBias(java.util.Map.of(42, -100f)).frequencyPenalty(0.5).presencePenalty(-0.25).build()),
                    event -> { }, new TestSignal());
            JsonNode body = server.received().getLast().json();
            assertThat(body.path("tool_choice").path("function").path("name").asText()).isEqualTo("weather");
            assertThat(body.path("logit_bias").path("42").asDouble()).isEqualTo(-100);
            assertThat(body.path("frequency_penalty").asDouble()).isEqualTo(0.5);
            assertThat(body.path("presence_penalty").asDouble()).isEqualTo(-0.25);

            server.enqueue(FakeServer.stream("text/event-stream", recorded("openai-chat-stream-text.sse")));
            runtime.generate(withTools(GenerationOptions.builder().toolChoice(ToolChoice.required()).build()),
                    event -> { }, new TestSignal());
            assertThat(server.received().getLast().json().path("tool_choice").asText()).isEqualTo("required");

            server.enqueue(FakeServer.stream("text/event-stream", recorded("openai-chat-stream-text.sse")));
            runtime.generate(withTools(GenerationOptions.builder().logprobs(2).build()), event -> { }, new TestSignal());
            assertThat(server.received().getLast().json().path("logprobs").asBoolean()).isTrue();
            assertThat(server.received().getLast().json().path("top_logprobs").asInt()).isEqualTo(2);
        }
    }

    @Test
    void anthropicMapsToolChoiceAndRefusesWhatItCannotCarry() {
        try (RemoteRuntime runtime = new RemoteRuntime(Anthropic.messages().apiKey("sk-ant-test-5678")
                .model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1")).resolve())) {
            server.enqueue(FakeServer.stream("text/event-stream", recorded("anthropic-stream-tool-use.sse")));
            try {
                runtime.generate(withTools(GenerationOptions.builder().toolChoice(ToolChoice.required()).build()),
                        event -> { }, new TestSignal());
            } catch (RuntimeException ignored) {
                // only the request body matters here
            }
            assertThat(server.received().getLast().json().path("tool_choice").path("type").asText()).isEqualTo("any");
            int sent = server.received().size();
            assertThatThrownBy(() -> runtime.generate(withTools(GenerationOptions.builder()
                    .logitBias(java.util.Map.of(1, 5f)).build()), event -> { }, new TestSignal()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("logitBias");
            assertThatThrownBy(() -> runtime.generate(withTools(GenerationOptions.builder().presencePenalty(1).build()),
                    event -> { }, new TestSignal())).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("presencePenalty");
            assertThat(server.received()).hasSize(sent);
        }
    }

    @Test
    void ollamaRefusesAForcedCallAndDropsToolsForNone() {
        try (RemoteRuntime runtime = new RemoteRuntime(Ollama.chat().model("llama3.2").baseUrl(server.baseUri(""))
                .resolve())) {
            assertThatThrownBy(() -> runtime.generate(withTools(GenerationOptions.builder()
                    .toolChoice(ToolChoice.required()).build()), event -> { }, new TestSignal()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tool_choice");
            assertThat(server.received()).isEmpty();
            server.enqueue(FakeServer.stream("application/x-ndjson", recorded("ollama-chat-stream.ndjson")));
            runtime.generate(withTools(GenerationOptions.builder().toolChoice(ToolChoice.none()).frequencyPenalty(0.3)
                    .build()), event -> { }, new TestSignal());
            JsonNode body = server.received().getLast().json();
            assertThat(body.has("tools")).isFalse();
            assertThat(body.path("options").path("frequency_penalty").asDouble()).isEqualTo(0.3);
        }
    }
}
