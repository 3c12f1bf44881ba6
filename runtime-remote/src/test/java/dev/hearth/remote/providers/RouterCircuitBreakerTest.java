package dev.hearth.remote.providers;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.Fallback;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.RouteAttempt;
import dev.hearth.api.Routing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static dev.hearth.remote.providers.FakeServer.recorded;
import static org.assertj.core.api.Assertions.assertThat;

/** A provider failing again and again is rested by its circuit breaker: no request reaches it until the delay passed. */
class RouterCircuitBreakerTest {
    private final FakeServer server = new FakeServer();

    @AfterEach
    void close() {
        server.close();
    }

    /** A clock the test moves by hand: the breaker's delay passes without waiting. */
    private static final class HandClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-25T22:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void failingCloudIsSkippedWhileItsBreakerIsOpenAndTriedAgainAfterTheDelay() {
        HandClock clock = new HandClock();
        server.enqueue(FakeServer.json(503, recorded("openai-error-500.json")),
                FakeServer.json(500, recorded("openai-error-500.json")),
                FakeServer.json(503, recorded("openai-error-500.json")));
        server.fallback(new FakeModel());
        try (InferenceClient client = InferenceClient.builder()
                .runtime(OpenAi.chatCompletions().apiKey("sk-test-breaker").model("gpt-4.1-mini").name("cloud")
                        .baseUrl(server.baseUri("/v1")).maxRetries(0))
                .runtime(LocalModel.stories(256))
                .routing(Routing.cloudFirst().fallbackOn(Fallback.UNAVAILABLE, Fallback.ERROR)
                        .circuitBreaker(2, Duration.ofMinutes(1)).clock(clock))
                .build()) {
            for (int i = 0; i < 2; i++) {
                ChatResponse answer = client.chat().user("Once upon a time").maxTokens(2).call();
                assertThat(answer.route().runtime()).isEqualTo(LocalModel.RUNTIME);
                assertThat(answer.route().attempts()).extracting(RouteAttempt::outcome).containsExactly(RouteAttempt.Outcome.FAILED);
            }
            assertThat(server.received()).hasSize(2);

            // open: the cloud is not sent anything
            for (int i = 0; i < 3; i++) {
                ChatResponse answer = client.chat().user("Once upon a time").maxTokens(2).call();
                assertThat(answer.route().runtime()).isEqualTo(LocalModel.RUNTIME);
                assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
                    assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.SKIPPED);
                    assertThat(attempt.detail()).contains("circuit breaker open until 2026-11-25T22:01:00Z");
                });
            }
            assertThat(server.received()).hasSize(2);

            // half-open: one trial, which fails (503) and opens it again
            clock.advance(Duration.ofMinutes(1));
            assertThat(client.chat().user("Once upon a time").maxTokens(2).call().route().fellBack()).isTrue();
            client.chat().user("Once upon a time").maxTokens(2).call();
            assertThat(server.received()).hasSize(3);

            // the next trial is answered: the breaker closes and the cloud serves again
            clock.advance(Duration.ofMinutes(1));
            for (int i = 0; i < 2; i++) {
                ChatResponse answer = client.chat().user("Once upon a time").maxTokens(3).call();
                assertThat(answer.route().runtime()).isEqualTo("cloud");
                assertThat(answer.route().attempts()).isEmpty();
            }
            assertThat(server.received()).hasSize(5);
        }
    }
}
