package dev.hearth.remote.providers;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.Fallback;
import dev.hearth.api.Generation;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InferenceListener;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.RouteAttempt;
import dev.hearth.api.Routing;
import dev.hearth.api.RuntimeFailureException;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.api.testing.ManualBudgetTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.hearth.remote.providers.FakeServer.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each fallback trigger end to end, with the real local GGUF runtime and a real HTTP endpoint on 127.0.0.1 standing in
 * for an OpenAI-compatible provider, driven into 429, 500, 404, silence, a closed connection and a refused port.
 */
class RouterFallbackTest {
    private static final String FAKE_ANSWER = String.join("", FakeModel.SCRIPT.subList(0, 6));

    private final FakeServer server = new FakeServer();
    private final List<String> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        server.close();
    }

    private static OpenAiSpec cloudAt(URI baseUri) {
        return OpenAi.chatCompletions().apiKey("sk-test-router").model("gpt-4.1-mini").name("cloud").baseUrl(baseUri)
                .maxRetries(0);
    }

    private InferenceClient client(OpenAiSpec cloud, int localContext, Routing routing) {
        return InferenceClient.builder()
                .runtime(cloud)
                .runtime(LocalModel.stories(localContext))
                .routing(routing)
                .listener(new InferenceListener() {
                    @Override
                    public void requestStarted(ChatRequest request, RuntimeInfo runtime) {
                        started.add(runtime.name());
                    }
                })
                .build();
    }

    private static void assertFellBackFromCloudToLocal(ChatResponse answer, Fallback trigger) {
        assertThat(answer.route().runtime()).isEqualTo(LocalModel.RUNTIME);
        assertThat(answer.usage().completionTokens()).isPositive();
        assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.runtime()).isEqualTo("cloud");
            assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.FAILED);
            assertThat(attempt.trigger()).isEqualTo(trigger);
        });
    }

    @Test
    void rateLimitedCloudFallsBackToLocal() {
        server.enqueue(FakeServer.json(429, recorded("openai-error-429.json"), Map.of("retry-after", "20")));
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")), 256,
                Routing.cloudFirst().fallbackOn(Fallback.UNAVAILABLE))) {
            assertFellBackFromCloudToLocal(client.chat().user("Once upon a time").maxTokens(4).call(), Fallback.UNAVAILABLE);
        }
        assertThat(server.received()).hasSize(1);
        assertThat(started).containsExactly("cloud", LocalModel.RUNTIME);
    }

    @Test
    void serverErrorFallsBackToLocalOnlyWhenErrorsAreATrigger() {
        server.fallback(FakeServer.json(500, recorded("openai-error-500.json")));
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")), 256, Routing.cloudFirst().fallbackOn(Fallback.ERROR))) {
            assertFellBackFromCloudToLocal(client.chat().user("Once upon a time").maxTokens(4).call(), Fallback.ERROR);
        }
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")), 256, Routing.cloudFirst().fallbackOn(Fallback.UNAVAILABLE))) {
            assertThatThrownBy(() -> client.chat().user("Once upon a time").maxTokens(4).call())
                    .isInstanceOf(dev.hearth.api.ProviderException.class).hasMessageContaining("HTTP 500");
        }
    }

    @Test
    void silentCloudExceedingTheFirstTokenBudgetFallsBackToLocal() throws Exception {
        server.enqueue(server.stall("text/event-stream", "", false));
        // the budgets expire when the test says: the cloud's once it is stalled, the local model's never
        ManualBudgetTimer timer = new ManualBudgetTimer();
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")), 256,
                Routing.cloudFirst().fallbackOn(Fallback.TOO_SLOW).timeToFirstTokenBudget(Duration.ofMillis(300))
                        .budgetTimer(timer))) {
            Generation generation = client.chat().user("Once upon a time").maxTokens(4).submit(event -> { });
            ManualBudgetTimer.Started cloudBudget = timer.awaitStart();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (server.received().isEmpty()) { // the cloud has the request and says nothing
                assertThat(System.nanoTime()).as("the request reaches the cloud within 10 s").isLessThan(deadline);
                Thread.sleep(1);
            }
            cloudBudget.expire();
            ChatResponse answer = generation.await();

            assertFellBackFromCloudToLocal(answer, Fallback.TOO_SLOW);
            assertThat(answer.route().attempts().getFirst().detail()).contains("time-to-first-token budget PT0.3S");
        }
    }

    @Test
    void cloudHittingItsReadTimeoutFallsBackToLocal() {
        server.enqueue(server.stall("text/event-stream", "", true)); // headers, then nothing
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")).readTimeout(Duration.ofMillis(300)), 256,
                Routing.cloudFirst().fallbackOn(Fallback.TOO_SLOW))) {
            assertFellBackFromCloudToLocal(client.chat().user("Once upon a time").maxTokens(4).call(), Fallback.TOO_SLOW);
        }
    }

    @Test
    void connectionClosedByTheCloudFallsBackToLocal() throws IOException {
        try (ConnectionRecorder closing = new ConnectionRecorder();
             InferenceClient client = client(cloudAt(closing.baseUri()), 256, Routing.cloudFirst().fallbackOn(Fallback.UNAVAILABLE))) {
            assertFellBackFromCloudToLocal(client.chat().user("Once upon a time").maxTokens(4).call(), Fallback.UNAVAILABLE);
            assertThat(closing.connections()).isEqualTo(1);
        }
    }

    @Test
    void refusedConnectionFallsBackToLocal() throws IOException {
        URI nobodyListening;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobodyListening = URI.create("http://127.0.0.1:" + probe.getLocalPort() + "/v1");
        }
        try (InferenceClient client = client(cloudAt(nobodyListening), 256, Routing.cloudFirst().fallbackOn(Fallback.UNAVAILABLE))) {
            assertFellBackFromCloudToLocal(client.chat().user("Once upon a time").maxTokens(4).call(), Fallback.UNAVAILABLE);
        }
    }

    @Test
    void promptTooLongForTheLocalContextGoesToTheCloud() {
        server.fallback(new FakeModel());
        String longPrompt = "Once upon a time there was a little fox who lived in the snow. ".repeat(20);
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")), 32,
                Routing.localFirst().fallbackOn(Fallback.CONTEXT_TOO_LONG))) {
            ChatResponse answer = client.chat().user(longPrompt).maxTokens(6).call();

            assertThat(answer.text()).isEqualTo(FAKE_ANSWER);
            assertThat(answer.route().runtime()).isEqualTo("cloud");
            assertThat(answer.route().reason()).isEqualTo("local-first: a third-party provider, after 1 runtime failed");
            assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.runtime()).isEqualTo(LocalModel.RUNTIME);
                assertThat(attempt.trigger()).isEqualTo(Fallback.CONTEXT_TOO_LONG);
                assertThat(attempt.detail()).contains("ContextOverflowException");
            });
            // a short prompt is still served locally: the failure was the prompt's, not the runtime's
            assertThat(client.chat().user("Once upon a time").maxTokens(2).call().route().runtime()).isEqualTo(LocalModel.RUNTIME);
        }
    }

    @Test
    void modelMissingLocallyIsServedByTheCloudAndModelMissingInTheCloudByLocal() {
        server.enqueue(new FakeModel(), FakeServer.json(404, "{\"error\":{\"message\":\"The model does not exist\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}"));
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")), 256,
                Routing.localFirst().fallbackOn(Fallback.MODEL_MISSING))) {
            ChatResponse cloudModel = client.chat().user("hi").model("gpt-4.1-mini").maxTokens(6).call();
            assertThat(cloudModel.text()).isEqualTo(FAKE_ANSWER);
            assertThat(cloudModel.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.runtime()).isEqualTo(LocalModel.RUNTIME);
                assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.SKIPPED);
                assertThat(attempt.trigger()).isEqualTo(Fallback.MODEL_MISSING);
            });
        }
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")), 256,
                Routing.cloudFirst().fallbackOn(Fallback.MODEL_MISSING))) {
            assertFellBackFromCloudToLocal(client.chat().user("Once upon a time").maxTokens(4).call(), Fallback.MODEL_MISSING);
        }
    }

    @Test
    void anAnswerThatBrokeAfterItsFirstTokensIsNeverResentToLocal() {
        String stream = recorded("openai-chat-stream-text.sse");
        String firstEvents = String.join("\n\n", List.of(stream.split("\n\n")).subList(0, 3)) + "\n\n";
        server.enqueue(exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            body.write(firstEvents.getBytes(StandardCharsets.UTF_8));
            body.flush();
            body.close(); // ends the body before the answer is complete
        });
        List<String> received = new CopyOnWriteArrayList<>();
        try (InferenceClient client = client(cloudAt(server.baseUri("/v1")), 256, Routing.cloudFirst().fallbackOnAny())) {
            assertThatThrownBy(() -> client.chat().user("Hello!").stream((TokenEvent event) -> received.add(event.text())))
                    .isInstanceOf(RuntimeFailureException.class).hasMessageContaining("without finishing the answer");
        }
        assertThat(String.join("", received)).isNotEmpty();
        assertThat(started).containsExactly("cloud");
    }
}
