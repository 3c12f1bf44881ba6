package dev.hearth.remote.providers;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.ProviderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** API keys reach the provider's header and nowhere else: not toString, not exceptions, not logs. */
class ApiKeyTest {
    private static final String KEY = "sk-proj-SECRET-0123456789abcdef";

    private final FakeServer server = new FakeServer();

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void keyIsSentOnlyInTheAuthorizationHeader() {
        server.enqueue(FakeServer.stream("text/event-stream", FakeServer.recorded("openai-chat-stream-text.sse")));
        try (RemoteRuntime runtime = new RemoteRuntime(OpenAi.chatCompletions().apiKey(KEY).model("gpt-4.1-mini")
                .baseUrl(server.baseUri("/v1")).resolve())) {
            runtime.generate(ChatRequest.of(Message.user("Hi")), event -> { }, new TestSignal());
        }
        assertThat(server.lastReceived().header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(server.lastReceived().body()).doesNotContain(KEY);
    }

    @Test
    void keyNeverAppearsInToString() {
        OpenAiSpec spec = OpenAi.chatCompletions().apiKey(KEY).model("gpt-4.1-mini").baseUrl(server.baseUri("/v1"));
        RemoteConfig config = spec.resolve();
        try (RemoteRuntime runtime = new RemoteRuntime(config)) {
            assertThat(spec.toString()).doesNotContain(KEY).contains("apiKey=set", "gpt-4.1-mini");
            assertThat(config.toString()).doesNotContain(KEY);
            assertThat(config.apiKey().toString()).doesNotContain(KEY);
            assertThat(runtime.toString()).doesNotContain(KEY);
            assertThat(runtime.info().toString()).doesNotContain(KEY);
        }
    }

    @Test
    void keyEchoedByTheProviderIsRedactedFromExceptionsAndLogs() {
        String echo = "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ".\",\"type\":\"invalid_request_error\"}}";
        server.enqueue(FakeServer.json(500, echo), FakeServer.json(401, echo));
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ProviderException failure;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (InferenceClient client = InferenceClient.builder().runtime(OpenAi.chatCompletions().apiKey(KEY)
                .model("gpt-4.1-mini").baseUrl(server.baseUri("/v1")).sleeper(new RecordingSleeper())).build()) {
            failure = catchThrowableOfType(ProviderException.class, () -> client.call(ChatRequest.of(Message.user("Hi"))));
        } finally {
            System.setErr(originalErr);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);

        assertThat(failure.statusCode()).isEqualTo(401);
        assertThat(failure.getMessage()).doesNotContain(KEY).contains("Incorrect API key provided: [redacted]");
        assertThat(failure.providerMessage()).doesNotContain(KEY);
        assertThat(logs).as("the retry after the 500 was logged").contains("retrying");
        assertThat(logs).doesNotContain(KEY);
    }

    @Test
    void keyIsReadFromTheEnvironmentWhenOpening() {
        server.enqueue(FakeServer.stream("event-stream", FakeServer.recorded("anthropic-stream-tool-use.sse")));
        AnthropicSpec spec = Anthropic.messages().apiKeyFromEnv().model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1"))
                .environment(Map.of("ANTHROPIC_API_KEY", KEY)::get);
        try (RemoteRuntime runtime = new RemoteRuntime(spec.resolve())) {
            runtime.generate(ChatRequest.of(Message.user("Hi")), event -> { }, new TestSignal());
        }
        assertThat(server.lastReceived().header("x-api-key")).isEqualTo(KEY);
        assertThat(spec.toString()).contains("apiKey=from $ANTHROPIC_API_KEY").doesNotContain(KEY);
    }

    @Test
    void missingKeyFailsOnOpenNamingTheVariable() {
        OpenAiSpec spec = OpenAi.responses().model("gpt-4.1").environment(name -> null);

        assertThatThrownBy(spec::resolve).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OPENAI_API_KEY is not set");
        assertThatThrownBy(() -> OpenAi.chatCompletions().apiKeyFromEnv("MY_KEY").model("m").environment(name -> "")
                .resolve()).isInstanceOf(ConfigurationException.class).hasMessageContaining("MY_KEY");
    }

    @Test
    void keylessServersNeedNoKey() {
        assertThat(Ollama.chat().model("llama3.2").environment(name -> null).resolve().apiKey()).isNull();
        assertThat(OpenAiCompatible.at(server.baseUri("/v1")).environment(name -> null).resolve().apiKey()).isNull();
    }
}
