package dev.hearth.api;

import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockingAndStreamingTest {
    private static final List<String> TOKENS = List.of("The", " cat", " sat", " on", " the", " mat", ".");

    private final ScriptedRuntime runtime = ScriptedRuntime.builder().tokens(TOKENS).build();
    private final InferenceClient client = InferenceClient.builder().runtime(runtime).build();

    @AfterEach
    void close() {
        client.close();
    }

    private static String joined(List<TokenEvent> events) {
        return events.stream().map(TokenEvent::text).collect(Collectors.joining());
    }

    @Test
    void callAndStreamGiveIdenticalTextAndTokenEventsConcatenateToIt() {
        ChatResponse blocking = client.chat().user("Where did the cat sit?").call();
        List<TokenEvent> events = new ArrayList<>();
        ChatResponse streamed = client.chat().user("Where did the cat sit?").stream(events::add);

        assertThat(blocking.text()).isEqualTo("The cat sat on the mat.");
        assertThat(streamed.text()).isEqualTo(blocking.text());
        assertThat(joined(events)).isEqualTo(streamed.text());
        assertThat(events).extracting(TokenEvent::index).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(streamed.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void streamCallsTheConsumerOnTheCallingThread() {
        List<Thread> threads = new ArrayList<>();
        client.chat().user("hi").stream(event -> threads.add(Thread.currentThread()));

        assertThat(threads).hasSize(TOKENS.size()).containsOnly(Thread.currentThread());
    }

    @Test
    void answerCarriesUsageTimingsAndRoute() {
        ChatResponse response = client.chat().system("Be brief.").user("Where did the cat sit?").call();

        assertThat(response.usage()).isEqualTo(new Usage(3 + 6, 0, TOKENS.size()));
        assertThat(response.timings().prefillTokens()).isEqualTo(9);
        assertThat(response.timings().decodeTokens()).isEqualTo(TOKENS.size() - 1);
        assertThat(response.timings().timeToFirstToken()).isLessThanOrEqualTo(response.timings().total());
        assertThat(response.route()).isEqualTo(new Route("scripted", "scripted-model", "the only configured runtime"));
    }

    @Test
    void maxTokensEndsTheAnswerWithLength() {
        List<TokenEvent> events = new ArrayList<>();
        ChatResponse response = client.chat().user("hi").maxTokens(3).stream(events::add);

        assertThat(response.text()).isEqualTo("The cat sat");
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.usage().completionTokens()).isEqualTo(3);
        assertThat(events).hasSize(3);
    }

    @Test
    void stopSequenceSpanningTokensIsHeldBackAndNeverEmitted() {
        List<TokenEvent> events = new ArrayList<>();
        ChatResponse response = client.chat().user("hi").stop("n the m").stream(events::add);

        assertThat(response.text()).isEqualTo("The cat sat o");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(joined(events)).isEqualTo(response.text());
        assertThat(events).extracting(TokenEvent::text).containsExactly("The", " cat", " sat", " o", "", "");
        assertThat(response.usage().completionTokens()).isEqualTo(6);
    }

    @Test
    void textHeldBackForAStopSequenceThatDoesNotMatchIsEmittedLater() {
        List<TokenEvent> events = new ArrayList<>();
        ChatResponse response = client.chat().user("hi").stop(" sat down").stream(events::add);

        assertThat(response.text()).isEqualTo("The cat sat on the mat.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(events).extracting(TokenEvent::text).containsExactly("The", " cat", "", " sat on", " the", " mat", ".");
    }

    @Test
    void exceptionThrownByTheConsumerPropagatesUnchangedAndStopsTheGeneration() {
        IllegalStateException boom = new IllegalStateException("consumer failed");
        List<TokenEvent> seen = new ArrayList<>();

        assertThatThrownBy(() -> client.chat().user("hi").stream(event -> {
            seen.add(event);
            if (event.index() == 1) {
                throw boom;
            }
        })).isSameAs(boom);
        assertThat(seen).hasSize(2);
        assertThat(runtime.tokensProduced()).isEqualTo(2);
    }

    @Test
    void uncheckedNonHearthExceptionFromTheRuntimeBecomesRuntimeFailureException() {
        NullPointerException bug = new NullPointerException("engine bug");
        try (InferenceClient failing = InferenceClient.builder()
                .runtime(ScriptedRuntime.builder().name("buggy").failAt(2, () -> bug).build()).build()) {
            assertThatThrownBy(() -> failing.chat().user("hi").call())
                    .isInstanceOf(RuntimeFailureException.class)
                    .hasMessageContaining("buggy")
                    .hasCause(bug);
        }
    }

    @Test
    void hearthExceptionFromTheRuntimePropagatesUnchanged() {
        ContextOverflowException overflow = new ContextOverflowException(5000, 4096);
        try (InferenceClient failing = InferenceClient.builder()
                .runtime(ScriptedRuntime.builder().failAt(0, () -> overflow).build()).build()) {
            assertThatThrownBy(() -> failing.chat().user("hi").call()).isSameAs(overflow);
        }
    }

    @Test
    void invalidOptionIsReportedByNameWhenTheCallIsMade() {
        ChatCall call = client.chat().user("hi").topP(1.5);

        assertThatThrownBy(call::call).isInstanceOf(InvalidRequestException.class).hasMessageContaining("topP");
        assertThat(runtime.generationsStarted()).isZero();
    }

    @Test
    void callWithoutMessagesIsRejected() {
        assertThatThrownBy(() -> client.chat().call())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("at least one message");
    }

    @Test
    void optionsReplaceEverySetting() {
        GenerationOptions replacement = GenerationOptions.builder().maxTokens(9).temperature(0).topK(3).topP(0.5).minP(0.1)
                .repetitionPenalty(1.2).repetitionWindow(7).stopSequences("x").build();

        ChatRequest request = client.chat().user("hi").seed(5).options(replacement).request();

        assertThat(request.options()).isEqualTo(replacement);
    }
}
