package dev.hearth.api;

import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ChatPublisherTest {
    private static final List<String> TOKENS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ScriptedRuntime runtime = ScriptedRuntime.builder().tokens(TOKENS).build();
    private final InferenceClient client = InferenceClient.builder().runtime(runtime).executor(executor).build();

    @AfterEach
    void close() {
        client.close();
        executor.shutdownNow();
    }

    private RecordingSubscriber subscribe() {
        return subscribe(client.chat().user("letters").publisher());
    }

    private static RecordingSubscriber subscribe(Flow.Publisher<ChatEvent> publisher) {
        RecordingSubscriber subscriber = new RecordingSubscriber();
        publisher.subscribe(subscriber);
        return subscriber;
    }

    /** Waits until every generation thread the client started has ended, so no signal can still arrive. */
    private void awaitQuiescence() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void publisherSendsTokensThenOneCompletionEventThenOnComplete() throws InterruptedException {
        RecordingSubscriber subscriber = subscribe();
        subscriber.request(Long.MAX_VALUE);

        List<Object> signals = new ArrayList<>();
        for (int i = 0; i < TOKENS.size() + 2; i++) {
            signals.add(subscriber.next());
        }
        awaitQuiescence();

        assertThat(signals.subList(0, TOKENS.size())).extracting(signal -> ((TokenEvent) signal).text())
                .containsExactlyElementsOf(TOKENS);
        assertThat(signals.get(TOKENS.size())).isInstanceOfSatisfying(CompletionEvent.class, completion -> {
            assertThat(completion.response().text()).isEqualTo("abcdefgh");
            assertThat(completion.response().finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(completion.response().route().runtime()).isEqualTo("scripted");
        });
        assertThat(signals.getLast()).isSameAs(RecordingSubscriber.COMPLETE);
        assertThat(subscriber.pending()).isEmpty();
    }

    @Test
    void nothingIsSentBeforeTheFirstRequest() throws InterruptedException {
        RecordingSubscriber subscriber = subscribe();

        assertThat(subscriber.pending()).isEmpty();
        assertThat(runtime.generationsStarted()).as("the publisher is cold").isZero();

        subscriber.request(1);
        assertThat(subscriber.next()).isInstanceOf(TokenEvent.class);
    }

    @Test
    void publisherWaitsForDemandBeforeEachToken() throws InterruptedException {
        RecordingSubscriber subscriber = subscribe();

        for (int i = 1; i <= TOKENS.size(); i++) {
            subscriber.request(1);
            assertThat(subscriber.next()).isInstanceOfSatisfying(TokenEvent.class, event -> assertThat(event.text()).isNotEmpty());
            assertThat(runtime.tokensProduced()).as("the model is paused: at most one token ahead of the demand")
                    .isLessThanOrEqualTo(i + 1);
        }
        subscriber.request(1);
        assertThat(subscriber.next()).isInstanceOf(CompletionEvent.class);
        assertThat(subscriber.next()).as("onComplete needs no demand").isSameAs(RecordingSubscriber.COMPLETE);
        awaitQuiescence();

        assertThat(subscriber.violations()).isEmpty();
        assertThat(subscriber.received()).isEqualTo(TOKENS.size() + 1);
        assertThat(subscriber.pending()).isEmpty();
    }

    @Test
    void demandOfThreeDeliversExactlyThreeEvents() throws InterruptedException {
        RecordingSubscriber subscriber = subscribe();
        subscriber.request(3);
        for (int i = 0; i < 3; i++) {
            assertThat(subscriber.next()).isInstanceOf(TokenEvent.class);
        }
        subscriber.cancel();
        awaitQuiescence();

        assertThat(subscriber.violations()).isEmpty();
        assertThat(subscriber.pending()).isEmpty();
    }

    @Test
    void requestOfZeroSignalsIllegalArgumentExceptionWithoutGenerating() throws InterruptedException {
        RecordingSubscriber subscriber = subscribe();
        subscriber.request(0);

        assertThat(subscriber.next()).isInstanceOfSatisfying(IllegalArgumentException.class,
                error -> assertThat(error).hasMessageContaining("n > 0"));
        subscriber.request(1);
        awaitQuiescence();
        assertThat(runtime.generationsStarted()).isZero();
        assertThat(subscriber.pending()).isEmpty();
    }

    @Test
    void negativeRequestMidStreamSignalsIllegalArgumentExceptionAndStopsTheGeneration() throws InterruptedException {
        RecordingSubscriber subscriber = subscribe();
        subscriber.request(1);
        assertThat(subscriber.next()).isInstanceOf(TokenEvent.class);

        subscriber.request(-1);

        assertThat(subscriber.next()).isInstanceOf(IllegalArgumentException.class);
        assertThat(runtime.awaitFinished().finishReason()).isEqualTo(FinishReason.CANCELLED);
        awaitQuiescence();
        assertThat(subscriber.pending()).isEmpty();
        assertThat(runtime.tokensProduced()).isLessThan(TOKENS.size());
    }

    @Test
    void cancelStopsTheGenerationAndEndsTheSignals() throws InterruptedException {
        RecordingSubscriber subscriber = subscribe();
        subscriber.request(2);
        assertThat(subscriber.next()).isInstanceOf(TokenEvent.class);
        assertThat(subscriber.next()).isInstanceOf(TokenEvent.class);

        subscriber.cancel();
        subscriber.request(5); // ignored after cancel

        ChatResponse stopped = runtime.awaitFinished();
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(stopped.usage().completionTokens()).isLessThanOrEqualTo(3);
        awaitQuiescence();
        assertThat(subscriber.pending()).as("no onNext, onComplete or onError after cancel").isEmpty();
    }

    @Test
    void eachSubscriberGetsItsOwnGeneration() throws InterruptedException {
        Flow.Publisher<ChatEvent> publisher = client.chat().user("letters").maxTokens(2).publisher();
        RecordingSubscriber first = subscribe(publisher);
        RecordingSubscriber second = subscribe(publisher);
        first.request(Long.MAX_VALUE);
        second.request(Long.MAX_VALUE);

        for (RecordingSubscriber subscriber : List.of(first, second)) {
            assertThat(subscriber.next()).isEqualTo(new TokenEvent(0, 0, "a"));
            assertThat(subscriber.next()).isEqualTo(new TokenEvent(1, 1, "b"));
            assertThat(subscriber.next()).isInstanceOf(CompletionEvent.class);
            assertThat(subscriber.next()).isSameAs(RecordingSubscriber.COMPLETE);
        }
        assertThat(runtime.generationsStarted()).isEqualTo(2);
    }

    @Test
    void runtimeFailureIsSignalledAsOnError() throws InterruptedException {
        try (InferenceClient failing = InferenceClient.builder().executor(executor)
                .runtime(ScriptedRuntime.builder().failAt(1, () -> new IllegalStateException("boom")).build()).build()) {
            RecordingSubscriber subscriber = subscribe(failing.chat().user("hi").publisher());
            subscriber.request(10);

            assertThat(subscriber.next()).isInstanceOf(TokenEvent.class);
            assertThat(subscriber.next()).isInstanceOfSatisfying(RuntimeFailureException.class,
                    error -> assertThat(error).hasRootCauseMessage("boom"));
        }
    }

    @Test
    void publisherOfAClosedClientSignalsConfigurationException() throws InterruptedException {
        Flow.Publisher<ChatEvent> publisher = client.chat().user("hi").publisher();
        client.close();
        RecordingSubscriber subscriber = subscribe(publisher);

        subscriber.request(1); // must return normally (Reactive Streams rule 3.16) and signal the failure

        assertThat(subscriber.next()).isInstanceOf(ConfigurationException.class);
        assertThat(runtime.generationsStarted()).isZero();
    }
}
