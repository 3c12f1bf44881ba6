package dev.hearth.remote.providers;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.TokenEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** With streaming off, every provider answers in one piece: the same text, finish and usage as when streaming. */
class BlockingModeTest {
    private final FakeServer server = new FakeServer().fallback(new FakeModel());

    @AfterEach
    void close() {
        server.close();
    }

    private RemoteSpec<?> spec(Kind kind) {
        URI v1 = server.baseUri("/v1");
        return switch (kind) {
            case OPENAI_CHAT -> OpenAi.chatCompletions().apiKey("sk-test").model("gpt-4.1-mini").baseUrl(v1);
            case OPENAI_RESPONSES -> OpenAi.responses().apiKey("sk-test").model("gpt-4.1-mini").baseUrl(v1);
            case ANTHROPIC -> Anthropic.messages().apiKey("sk-ant-test").model("claude-sonnet-4-5").baseUrl(v1);
            case OLLAMA -> Ollama.chat().model("llama3.2").baseUrl(server.baseUri(""));
            case OPENAI_COMPATIBLE -> OpenAiCompatible.at(v1);
        };
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void blockingAnswerEqualsTheStreamedOne(Kind kind) {
        ChatRequest request = ChatRequest.builder().user("Tell me a story.")
                .options(GenerationOptions.builder().temperature(0).maxTokens(10).build()).build();
        ChatResponse streamed;
        ChatResponse blocking;
        List<TokenEvent> blockingEvents = new CopyOnWriteArrayList<>();
        try (RemoteRuntime streaming = new RemoteRuntime(spec(kind).resolve());
             RemoteRuntime whole = new RemoteRuntime(spec(kind).streaming(false).resolve())) {
            streamed = streaming.generate(request, event -> { }, new TestSignal());
            blocking = whole.generate(request, blockingEvents::add, new TestSignal());
        }

        assertThat(server.lastReceived().json().path("stream").asBoolean(false)).isFalse();
        assertThat(blocking.text()).isEqualTo(streamed.text()).isNotEmpty();
        assertThat(blocking.finishReason()).isEqualTo(streamed.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(blocking.usage()).isEqualTo(streamed.usage());
        assertThat(blockingEvents).singleElement().extracting(TokenEvent::text).isEqualTo(blocking.text());
    }
}
