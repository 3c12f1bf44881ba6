package dev.hearth.api.conformance;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.Generation;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.RuntimeInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every runtime must show through an {@link InferenceClient}: the local GGUF engine, ONNX, remote peers
 * and cloud providers all extend this class and pass it.
 *
 * <p>A subclass supplies a client serving the runtime under test and a request that makes it answer at length:
 *
 * <pre>{@code
 * class GgufConformanceTest extends RuntimeConformanceSuite {
 *     @Override
 *     protected InferenceClient newClient() {
 *         return InferenceClient.builder().runtime(Gguf.model(STORIES_260K)).build();
 *     }
 *
 *     @Override
 *     protected ChatRequest.Builder longAnswerRequest() {
 *         return ChatRequest.builder().user("Once upon a time");
 *     }
 * }
 * }</pre>
 *
 * One client is created per test class ({@link TestInstance.Lifecycle#PER_CLASS}), so a model is loaded once; it is
 * closed after the last test. The suite sets the generation options itself (on top of the request builder).
 *
 * <p>The suite ships in the {@code hearth-api} test-jar. Another module uses it with:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.hearth</groupId>
 *   <artifactId>hearth-api</artifactId>
 *   <version>${project.version}</version>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * The test-jar also carries {@code dev.hearth.api.testing.ScriptedRuntime} and registers its provider
 * ({@code "scripted"}) in {@code META-INF/services}, so on such a module's test classpath ServiceLoader finds that
 * provider next to the module's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RuntimeConformanceSuite {

    /**
     * How many tokens {@link #longAnswerRequest()} must make the runtime produce under greedy decoding before it
     * stops on its own. The suite never asks for more.
     */
    protected static final int LONG_ANSWER_TOKENS = 24;

    /** How long the suite waits for a runtime to reach a point it needs (a slow model on a slow machine). */
    protected static final Duration PATIENCE = Duration.ofMinutes(2);

    private InferenceClient client;

    /** A new client whose first runtime is the one under test. Called once per test class. */
    protected abstract InferenceClient newClient();

    /**
     * A request whose greedy answer is at least {@link #LONG_ANSWER_TOKENS} tokens long (the model must not stop
     * earlier). Called afresh for every request the suite makes; options set on it are replaced.
     */
    protected abstract ChatRequest.Builder longAnswerRequest();

    @BeforeAll
    final void openClient() {
        client = newClient();
    }

    @AfterAll
    final void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    /** The client under test (shared by the tests of one class). */
    protected final InferenceClient client() {
        return client;
    }

    private ChatRequest request(GenerationOptions options) {
        return longAnswerRequest().options(options).build();
    }

    private static GenerationOptions greedy(int maxTokens) {
        return GenerationOptions.builder().temperature(0).maxTokens(maxTokens).seed(1).build();
    }

    private static String concatenated(List<TokenEvent> events) {
        return events.stream().map(TokenEvent::text).collect(Collectors.joining());
    }

    @Test
    void blockingAndStreamingGiveTheSameTextUnderGreedyDecoding() {
        ChatRequest request = request(greedy(LONG_ANSWER_TOKENS));
        ChatResponse blocking = client.call(request);
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        ChatResponse streamed = client.stream(request, events::add);

        assertThat(blocking.text()).isNotEmpty();
        assertThat(streamed.text()).isEqualTo(blocking.text());
        assertThat(concatenated(events)).isEqualTo(streamed.text());
        assertThat(events).extracting(TokenEvent::index)
                .containsExactlyElementsOf(IntStream.range(0, events.size()).boxed().toList());
    }

    @Test
    void maxTokensEndsTheAnswerWithLength() {
        int max = 5;
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        ChatResponse response = client.stream(request(greedy(max)), events::add);

        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.usage().completionTokens()).isEqualTo(max);
        assertThat(events).hasSize(max);
    }

    @Test
    void stopSequenceEndsTheAnswerAndIsNotPartOfIt() {
        String full = client.call(request(greedy(LONG_ANSWER_TOKENS))).text();
        assertThat(full.length()).as("greedy answer of %d tokens", LONG_ANSWER_TOKENS).isGreaterThanOrEqualTo(8);
        String stop = stopSequenceFrom(full);
        String expected = full.substring(0, full.indexOf(stop));

        GenerationOptions options = greedy(LONG_ANSWER_TOKENS).toBuilder().stopSequences(stop).build();
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        ChatResponse response = client.stream(request(options), events::add);

        assertThat(response.finishReason()).as("stop sequence %s in %s", stop, full).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(response.text()).isEqualTo(expected).doesNotContain(stop);
        assertThat(concatenated(events)).isEqualTo(expected);
        assertThat(response.usage().completionTokens()).isLessThan(LONG_ANSWER_TOKENS);
    }

    /** Three non-blank characters from the middle of the text, so the stop sequence likely spans tokens. */
    private static String stopSequenceFrom(String text) {
        for (int at = text.length() / 2; at + 3 <= text.length(); at++) {
            String candidate = text.substring(at, at + 3);
            if (!candidate.isBlank()) {
                return candidate;
            }
        }
        return text.substring(text.length() - 1);
    }

    /**
     * Whether the runtime's protocol can carry a sampling seed. Some provider APIs have no seed parameter (Anthropic
     * Messages, OpenAI Responses); their runtimes override this with {@code false} and the seed test reports itself as
     * skipped, with the reason, rather than passing by luck.
     */
    protected boolean honoursSeed() {
        return true;
    }

    @Test
    void sameSeedGivesTheSameText() {
        org.junit.jupiter.api.Assumptions.assumeTrue(honoursSeed(),
                "this runtime's protocol has no seed parameter, so sampled answers cannot be reproduced");
        GenerationOptions sampled = GenerationOptions.builder().temperature(0.9).maxTokens(16).seed(42).build();
        ChatResponse first = client.call(request(sampled));
        ChatResponse second = client.call(request(sampled));

        assertThat(first.text()).isNotEmpty();
        assertThat(second.text()).isEqualTo(first.text());
    }

    @Test
    void cancellingMidStreamEndsWithCancelledAndKeepsThePartialText() throws InterruptedException {
        int cancelAfter = 3;
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        Generation generation = client.submit(request(greedy(LONG_ANSWER_TOKENS)), event -> {
            events.add(event);
            if (events.size() == cancelAfter) {
                reached.countDown();
                await(cancelled); // hold the runtime here until the test has cancelled
            }
        });
        assertThat(reached.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("%d tokens arrived", cancelAfter).isTrue();
        generation.cancel();
        cancelled.countDown();
        ChatResponse response = generation.response().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();

        assertThat(generation.isCancelled()).isTrue();
        assertThat(response.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(response.usage().completionTokens()).isBetween(cancelAfter, LONG_ANSWER_TOKENS - 1);
        assertThat(response.text()).startsWith(concatenated(events.subList(0, cancelAfter)));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the test did not release the runtime");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void usageCountsArePositiveAndMatchTheEvents() {
        int max = 8;
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        ChatResponse response = client.stream(request(greedy(max)), events::add);
        Usage usage = response.usage();

        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.cachedPromptTokens()).isBetween(0, usage.promptTokens());
        assertThat(usage.completionTokens()).isPositive().isEqualTo(events.size());
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    @Test
    void timingsAreNonNegativeAndTimeToFirstTokenFitsInTheTotal() {
        Timings timings = client.call(request(greedy(8))).timings();

        assertThat(List.of(timings.timeToFirstToken(), timings.prefill(), timings.decode(), timings.total()))
                .allSatisfy(duration -> assertThat(duration).isGreaterThanOrEqualTo(Duration.ZERO));
        assertThat(timings.timeToFirstToken()).isLessThanOrEqualTo(timings.total());
        assertThat(timings.prefill()).isLessThanOrEqualTo(timings.total());
        assertThat(timings.decode()).isLessThanOrEqualTo(timings.total());
        assertThat(timings.prefillTokens()).isNotNegative();
        assertThat(timings.decodeTokens()).isBetween(0, 8);
        assertThat(timings.prefillTokensPerSecond()).isNotNegative();
        assertThat(timings.decodeTokensPerSecond()).isNotNegative();
    }

    @Test
    void routeNamesTheRuntimeThatAnswered() {
        RuntimeInfo runtime = client.runtimes().getFirst();
        ChatResponse response = client.call(request(greedy(4)));

        assertThat(response.route().runtime()).isEqualTo(runtime.name());
        assertThat(response.route().model()).isNotBlank();
        assertThat(response.route().reason()).isNotBlank();
    }

    @Test
    void secondCallAfterTheFirstAnswersTheSame() {
        ChatRequest request = request(greedy(8));
        ChatResponse first = client.call(request);
        ChatResponse second = client.call(request);

        assertThat(first.text()).isNotEmpty();
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(second.finishReason()).isEqualTo(first.finishReason());
        assertThat(second.usage().completionTokens()).isEqualTo(first.usage().completionTokens());
    }
}
