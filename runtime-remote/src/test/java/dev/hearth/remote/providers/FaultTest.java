package dev.hearth.remote.providers;

import com.sun.net.httpserver.HttpExchange;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.Message;
import dev.hearth.api.ProviderException;
import dev.hearth.api.RateLimitedException;
import dev.hearth.api.RequestTimeoutException;
import dev.hearth.api.RuntimeFailureException;
import dev.hearth.api.TokenEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.hearth.remote.providers.FakeServer.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Careful client behaviour when the provider misbehaves: retries, Retry-After, timeouts, broken streams, cancellation. */
class FaultTest {
    private static final String TEXT_STREAM = recorded("openai-chat-stream-text.sse");

    private final FakeServer server = new FakeServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private RemoteRuntime runtime = open(spec());

    private OpenAiSpec spec() {
        return OpenAi.chatCompletions().apiKey("sk-test-faults").model("gpt-4.1-mini").baseUrl(server.baseUri("/v1"))
                .sleeper(sleeper).jitter(() -> 1.0);
    }

    private RemoteRuntime open(RemoteSpec<?> spec) {
        if (runtime != null) {
            runtime.close();
        }
        runtime = new RemoteRuntime(spec.resolve());
        return runtime;
    }

    @AfterEach
    void close() {
        runtime.close();
        server.close();
    }

    private ChatResponse ask(List<TokenEvent> events) {
        return runtime.generate(ChatRequest.of(Message.user("Hello!")), events::add, new TestSignal());
    }

    private ChatResponse ask() {
        return ask(new CopyOnWriteArrayList<>());
    }

    /** The first {@code events} SSE events of the recorded text stream. */
    private static String firstEvents(int events) {
        String[] all = TEXT_STREAM.split("\n\n");
        return String.join("\n\n", List.of(all).subList(0, events)) + "\n\n";
    }

    @Test
    void rateLimitWaitsWhatRetryAfterAsksThenSucceeds() {
        server.enqueue(FakeServer.json(429, recorded("openai-error-429.json"), Map.of("retry-after", "2")),
                FakeServer.stream("text/event-stream", TEXT_STREAM));

        ChatResponse response = ask();

        assertThat(response.text()).isEqualTo("Hello! How can I help you today?");
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(2));
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void retryAfterMillisecondsTakePrecedenceOverSeconds() {
        server.enqueue(FakeServer.json(429, recorded("openai-error-429.json"),
                        Map.of("retry-after-ms", "210", "retry-after", "1")),
                FakeServer.stream("text/event-stream", TEXT_STREAM));

        ask();

        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(210));
    }

    @Test
    void serverErrorsAreRetriedWithExponentialBackoffThenSucceed() {
        server.enqueue(FakeServer.json(500, recorded("openai-error-500.json")),
                FakeServer.json(503, "<html>Service Unavailable</html>"),
                FakeServer.stream("text/event-stream", TEXT_STREAM));

        ChatResponse response = ask();

        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void jitterSpreadsTheBackoffBetweenHalfAndAllOfIt() {
        open(spec().jitter(() -> 0.0));
        server.enqueue(FakeServer.json(500, recorded("openai-error-500.json")),
                FakeServer.stream("text/event-stream", TEXT_STREAM));

        ask();

        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void exhaustedRetriesThrowTheLastProviderError() {
        open(Anthropic.messages().apiKey("sk-ant-test").model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1"))
                .sleeper(sleeper).maxRetries(2));
        for (int i = 0; i < 3; i++) {
            server.enqueue(FakeServer.json(529, recorded("anthropic-error-529.json")));
        }

        assertThatThrownBy(this::ask).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(529);
            assertThat(e.errorType()).isEqualTo("overloaded_error");
            assertThat(e.providerMessage()).isEqualTo("Overloaded");
        });
        assertThat(server.received()).hasSize(3);
        assertThat(sleeper.waits()).hasSize(2);
    }

    @Test
    void rateLimitAskingForTooLongAWaitFailsAtOnceWithTheWait() {
        server.enqueue(FakeServer.json(429, recorded("anthropic-error-429.json"), Map.of("retry-after", "3600")));
        open(Anthropic.messages().apiKey("sk-ant-test").model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1"))
                .sleeper(sleeper));

        assertThatThrownBy(this::ask).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.retryAfter()).contains(Duration.ofHours(1));
            assertThat(e.errorType()).isEqualTo("rate_limit_error");
            assertThat(e.providerMessage()).startsWith("Number of request tokens has exceeded");
        });
        assertThat(server.received()).hasSize(1);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void clientErrorsAreNotRetried() {
        open(Anthropic.messages().apiKey("sk-ant-test").model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1"))
                .sleeper(sleeper));
        server.enqueue(FakeServer.json(400, recorded("anthropic-error-400.json")));

        assertThatThrownBy(this::ask).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.errorType()).isEqualTo("invalid_request_error");
            assertThat(e.providerMessage()).contains("roles must alternate");
        });
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void serverClosingMidStreamFailsWithoutRetryingAndKeepsTheTokensAlreadyDelivered() throws Exception {
        ServerSocket dying = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<Integer> requests = new CompletableFuture<>();
        try {
            open(spec().baseUrl(URI.create("http://127.0.0.1:" + dying.getLocalPort() + "/v1")).readTimeout(Duration.ofSeconds(30)));
            Thread.ofPlatform().daemon().start(() -> requests.complete(dieMidStream(dying, firstEvents(4))));
            List<TokenEvent> events = new CopyOnWriteArrayList<>();

            assertThatThrownBy(() -> ask(events)).isInstanceOf(RuntimeFailureException.class)
                    .isNotInstanceOf(RequestTimeoutException.class)
                    .hasMessageContaining("after 3 tokens").hasMessageContaining("not retried");
            assertThat(events).extracting(TokenEvent::text).containsExactly("Hello", "!", " How");
        } finally {
            dying.close(); // ends the raw server's accept loop
        }
        assertThat(requests.get(10, TimeUnit.SECONDS)).as("never retried once the answer began").isEqualTo(1);
    }

    /**
     * A server that dies mid-answer: on a raw socket (an HTTP library would end the body properly), it reads one
     * request, starts a chunked stream, sends {@code events}, and drops the connection. Returns how many requests
     * arrived before the test closed the socket.
     */
    private static int dieMidStream(ServerSocket listener, String events) {
        int requests = 0;
        while (true) {
            try (Socket socket = listener.accept()) {
                requests++;
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                int length = head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                        .map(line -> Integer.parseInt(line.substring(15).strip())).findFirst().orElse(0);
                in.readNBytes(length);
                byte[] chunk = events.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException listenerClosed) {
                return requests;
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("request ended early");
            }
            head.append((char) next);
        }
        return head.toString();
    }

    @Test
    void streamEndingWithoutItsFinalEventIsAFailure() {
        server.enqueue(FakeServer.stream("text/event-stream", firstEvents(5)));

        assertThatThrownBy(this::ask).isInstanceOf(RuntimeFailureException.class)
                .hasMessageContaining("ended the stream after 4 tokens without finishing");
    }

    @Test
    void slowServerHitsTheReadTimeoutBeforeAnswering() {
        open(spec().readTimeout(Duration.ofMillis(300)).maxRetries(0));
        server.enqueue(server.stall("text/event-stream", "", false));

        assertThatThrownBy(this::ask).isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("no response within the read timeout PT0.3S");
    }

    @Test
    void serverFallingSilentMidStreamHitsTheReadTimeout() {
        open(spec().readTimeout(Duration.ofMillis(300)));
        server.enqueue(server.stall("text/event-stream", firstEvents(3), true));
        List<TokenEvent> events = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> ask(events)).isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("read timeout");
        assertThat(events).extracting(TokenEvent::text).containsExactly("Hello", "!");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void totalTimeoutEndsACallThatKeepsTheConnectionAlive() {
        open(spec().readTimeout(Duration.ofSeconds(30)).totalTimeout(Duration.ofMillis(400)));
        server.enqueue(server.stall("text/event-stream", firstEvents(2), true));

        assertThatThrownBy(this::ask).isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("total timeout PT0.4S");
    }

    @Test
    void unreachableServerIsRetriedThenReported() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        open(spec().baseUrl(URI.create("http://127.0.0.1:" + closedPort + "/v1")).maxRetries(3));

        assertThatThrownBy(this::ask).isInstanceOf(RuntimeFailureException.class)
                .hasMessageContaining("Could not reach OpenAI at http://127.0.0.1:" + closedPort);
        assertThat(sleeper.waits()).hasSize(3);
    }

    @Test
    void cancellingDuringABackoffStopsWaitingAndSendsNothingMore() {
        TestSignal signal = new TestSignal();
        open(spec().sleeper((delay, cancellation) -> {
            signal.cancel();
            return !cancellation.isCancelled();
        }));
        server.enqueue(FakeServer.json(500, recorded("openai-error-500.json")),
                FakeServer.stream("text/event-stream", TEXT_STREAM));

        ChatResponse response = runtime.generate(ChatRequest.of(Message.user("Hi")), event -> { }, signal);

        assertThat(response.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void cancellingMidStreamClosesTheConnection() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch serverSawTheClientLeave = new CountDownLatch(1);
        server.enqueue(exchange -> streamUntilTheClientLeaves(exchange, cancelled, serverSawTheClientLeave));
        TestSignal signal = new TestSignal();
        CountDownLatch threeTokens = new CountDownLatch(3);
        List<TokenEvent> events = new CopyOnWriteArrayList<>();

        CompletableFuture<ChatResponse> response = CompletableFuture.supplyAsync(() -> runtime.generate(
                ChatRequest.of(Message.user("Hello!")), event -> {
                    events.add(event);
                    threeTokens.countDown();
                }, signal));
        assertThat(threeTokens.await(10, TimeUnit.SECONDS)).isTrue();
        signal.cancel();
        ChatResponse answer = response.get(10, TimeUnit.SECONDS);
        cancelled.countDown();

        assertThat(answer.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(answer.text()).isEqualTo("Hello! How");
        assertThat(answer.usage().completionTokens()).isEqualTo(3);
        assertThat(serverSawTheClientLeave.await(10, TimeUnit.SECONDS)).as("the server's writes fail: connection closed")
                .isTrue();
    }

    /** Sends three tokens, waits until the test has cancelled, then writes keep-alives until the socket fails. */
    private static void streamUntilTheClientLeaves(HttpExchange exchange, CountDownLatch cancelled,
                                                   CountDownLatch sawClientLeave) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(firstEvents(4).getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            cancelled.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        byte[] keepAlive = (": keep-alive " + "x".repeat(1000) + "\n\n").getBytes(StandardCharsets.UTF_8);
        try {
            for (int i = 0; i < 100_000; i++) {
                out.write(keepAlive);
                out.flush();
            }
        } catch (IOException closedByClient) {
            sawClientLeave.countDown();
            throw closedByClient;
        }
    }

    @Test
    void errorEventInsideAStreamBecomesAProviderExceptionAndIsNotRetried() {
        open(Anthropic.messages().apiKey("sk-ant-test").model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1"))
                .sleeper(sleeper));
        server.enqueue(FakeServer.stream("text/event-stream", recorded("anthropic-stream-overloaded.sse")));
        List<TokenEvent> events = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> ask(events)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.statusCode()).isZero();
            assertThat(e.errorType()).isEqualTo("overloaded_error");
            assertThat(e.getMessage()).contains("an error inside the stream");
        });
        assertThat(events).extracting(TokenEvent::text).containsExactly("Hello");
        assertThat(server.received()).hasSize(1);
    }
}
