package dev.hearth.api;

import dev.hearth.api.testing.ScriptedRuntime;
import dev.hearth.api.testing.TokenGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CancellationTest {
    private static final List<String> TOKENS = List.of("one", " two", " three", " four", " five", " six");

    private final TokenGate gate = new TokenGate(0);
    private final ScriptedRuntime runtime = ScriptedRuntime.builder().tokens(TOKENS).gate(gate).build();
    private final InferenceClient client = InferenceClient.builder().runtime(runtime).build();

    @AfterEach
    void close() {
        gate.open();
        client.close();
    }

    /** A consumer that records events and counts down {@code latch} when the {@code n}th arrives. */
    private static java.util.function.Consumer<TokenEvent> recordingUntil(List<TokenEvent> events, int n, CountDownLatch latch) {
        return event -> {
            events.add(event);
            if (events.size() == n) {
                latch.countDown();
            }
        };
    }

    private static String joined(List<TokenEvent> events) {
        return events.stream().map(TokenEvent::text).collect(Collectors.joining());
    }

    @Test
    void submitThenCancelEndsWithCancelledAndThePartialText() throws Exception {
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch twoTokens = new CountDownLatch(1);
        Generation generation = client.chat().user("count").submit(recordingUntil(events, 2, twoTokens));
        gate.release(2);
        assertThat(twoTokens.await(5, TimeUnit.SECONDS)).isTrue();

        generation.cancel();
        ChatResponse response = generation.await();

        assertThat(response.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(response.text()).isEqualTo("one two").isEqualTo(joined(events));
        assertThat(response.usage().completionTokens()).isEqualTo(2);
        assertThat(generation.isCancelled()).isTrue();
        assertThat(generation.isDone()).isTrue();
    }

    @Test
    void submittedGenerationRunsToTheEndWhenNotCancelled() throws Exception {
        gate.open();
        Generation generation = client.chat().user("count").submit(event -> { });

        ChatResponse response = generation.await();

        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.text()).isEqualTo("one two three four five six");
        assertThat(generation.isCancelled()).isFalse();
    }

    @Test
    void cancellingTheResponseFutureCancelsTheGeneration() throws Exception {
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch oneToken = new CountDownLatch(1);
        Generation generation = client.chat().user("count").submit(recordingUntil(events, 1, oneToken));
        gate.release(1);
        assertThat(oneToken.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(generation.response().cancel(true)).isTrue();

        assertThat(generation.isCancelled()).isTrue();
        assertThat(runtime.awaitFinished().finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThatThrownBy(generation::await).isInstanceOf(RuntimeFailureException.class);
    }

    @Test
    void interruptingAThreadBlockedInCallCancelsTheGeneration() throws Exception {
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch oneToken = new CountDownLatch(1);
        AtomicReference<ChatResponse> answer = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            answer.set(client.chat().user("count").stream(recordingUntil(events, 1, oneToken)));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        gate.release(1);
        assertThat(oneToken.await(5, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();
        caller.join(5_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(answer.get().finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(answer.get().text()).isEqualTo("one");
        assertThat(stillInterrupted).as("the interrupt status is kept for the caller").isTrue();
    }

    @Test
    void closingTheClientCancelsRunningGenerationsAndClosesRuntimes() throws Exception {
        CountDownLatch oneToken = new CountDownLatch(1);
        Generation generation = client.chat().user("count").submit(recordingUntil(new CopyOnWriteArrayList<>(), 1, oneToken));
        gate.release(1);
        assertThat(oneToken.await(5, TimeUnit.SECONDS)).isTrue();

        client.close();

        assertThat(generation.isDone()).as("close waits for the cancelled generation").isTrue();
        assertThat(generation.await().finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(runtime.isClosed()).isTrue();
    }

    @Test
    void closingTheClientCancelsABlockingCallOnAnotherThread() throws Exception {
        CountDownLatch oneToken = new CountDownLatch(1);
        AtomicReference<ChatResponse> answer = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() ->
                answer.set(client.chat().user("count").stream(recordingUntil(new CopyOnWriteArrayList<>(), 1, oneToken))));
        gate.release(1);
        assertThat(oneToken.await(5, TimeUnit.SECONDS)).isTrue();

        client.close();
        caller.join(5_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(answer.get().finishReason()).isEqualTo(FinishReason.CANCELLED);
    }

    @Test
    void everyCallAfterCloseFailsWithConfigurationException() {
        client.close();
        client.close(); // idempotent
        ChatRequest request = ChatRequest.of(Message.user("hi"));

        assertThatThrownBy(() -> client.call(request)).isInstanceOf(ConfigurationException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> client.stream(request, event -> { })).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> client.submit(request, event -> { })).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> client.chat().user("hi").call()).isInstanceOf(ConfigurationException.class);
        assertThat(runtime.generationsStarted()).isZero();
    }
}
