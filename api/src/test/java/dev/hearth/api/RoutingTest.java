package dev.hearth.api;

import dev.hearth.api.spi.Locality;
import dev.hearth.api.testing.ManualBudgetTimer;
import dev.hearth.api.testing.ScriptedRuntime;
import dev.hearth.api.testing.TokenGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing logic on scripted runtimes: privacy, policy order, fallback triggers, streaming, budgets, breakers. */
class RoutingTest {

    private static ScriptedRuntime local(String... tokens) {
        return ScriptedRuntime.builder().name("local").models("small").tokens(tokens).build();
    }

    private static ScriptedRuntime cloud() {
        return ScriptedRuntime.builder().name("cloud").models("big").locality(Locality.THIRD_PARTY).tokens("from", " cloud").build();
    }

    private static ScriptedRuntime peer() {
        return ScriptedRuntime.builder().name("peer").models("medium").locality(Locality.TRUSTED_PEER).tokens("from", " peer").build();
    }

    // ---- privacy ---------------------------------------------------------------------------------------------------

    @Test
    void privateRequestStaysLocalEvenWhenTheCloudComesFirst() {
        ScriptedRuntime local = local("from", " local");
        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(cloud).runtime(local)
                .routing(Routing.cloudFirst().fallbackOnAny()).build()) {
            ChatResponse answer = client.chat().user("my diary", Sensitivity.PRIVATE).call();

            assertThat(answer.text()).isEqualTo("from local");
            assertThat(answer.route().runtime()).isEqualTo("local");
            assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.runtime()).isEqualTo("cloud");
                assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.SKIPPED);
                assertThat(attempt.trigger()).isEqualTo(Fallback.POLICY);
                assertThat(attempt.detail()).contains("privacy.PRIVATE");
            });
            assertThat(cloud.generationsStarted()).isZero();
        }
    }

    @Test
    void publicRequestGoesToTheCloudWhenItComesFirst() {
        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(local("x")).runtime(cloud)
                .routing(Routing.cloudFirst()).build()) {
            ChatResponse answer = client.chat().user("the weather").call();

            assertThat(answer.route().runtime()).isEqualTo("cloud");
            assertThat(answer.route().reason()).isEqualTo("cloud-first: a third-party provider");
        }
    }

    @Test
    void privateRequestPinnedToTheCloudIsRefusedNamingTheRuleBeforeAnythingIsSent() {
        ScriptedRuntime cloud = cloud();
        List<String> started = new CopyOnWriteArrayList<>();
        try (InferenceClient client = InferenceClient.builder().runtime(local("x")).runtime(cloud)
                .listener(new InferenceListener() {
                    @Override
                    public void requestStarted(ChatRequest request, dev.hearth.api.spi.RuntimeInfo runtime) {
                        started.add(runtime.name());
                    }
                })
                .routing(Routing.pinned("cloud")).build()) {
            assertThatThrownBy(() -> client.chat().system("be kind").user("my diary", Sensitivity.PRIVATE).call())
                    .isInstanceOfSatisfying(PolicyViolationException.class, violation -> {
                        assertThat(violation.rule()).isEqualTo("privacy.PRIVATE");
                        assertThat(violation.sensitivity()).isEqualTo(Sensitivity.PRIVATE);
                        assertThat(violation.refused()).containsExactly("cloud");
                    })
                    .hasMessageContaining("Nothing was sent")
                    .message().doesNotContain("my diary");
            assertThat(cloud.generationsStarted()).isZero();
            assertThat(started).isEmpty();
        }
    }

    @Test
    void markingTheRequestPrivateCoversEveryMessageAndCannotBeLowered() {
        ChatRequest request = ChatRequest.builder().user("a", Sensitivity.PRIVATE).user("b").build();
        assertThat(request.sensitivity()).isEqualTo(Sensitivity.PRIVATE);
        assertThat(request.withSensitivity(Sensitivity.PUBLIC).sensitivity()).isEqualTo(Sensitivity.PRIVATE);
        assertThat(ChatRequest.of(Message.user("a")).withSensitivity(Sensitivity.INTERNAL).sensitivity()).isEqualTo(Sensitivity.INTERNAL);
        assertThat(ChatRequest.of(Message.user("a")).sensitivity()).isEqualTo(Sensitivity.PUBLIC);
        assertThat(ChatRequest.builder().user("read my notes").toolResult("call-1", "notes", Sensitivity.PRIVATE).build()
                .sensitivity()).isEqualTo(Sensitivity.PRIVATE);
        assertThat(Message.system("s").withSensitivity(Sensitivity.INTERNAL).sensitivity()).isEqualTo(Sensitivity.INTERNAL);

        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(cloud).build()) {
            assertThatThrownBy(() -> client.chat().user("harmless").sensitivity(Sensitivity.PRIVATE).call())
                    .isInstanceOf(PolicyViolationException.class);
            assertThat(cloud.generationsStarted()).isZero();
        }
    }

    @Test
    void messagesAndRequestsNeverShowTheirContent() {
        Message secret = Message.user("the launch code is 1234", Sensitivity.PRIVATE);
        ChatRequest request = ChatRequest.builder().system("system secret").message(secret).build();

        assertThat(secret.toString()).doesNotContain("1234").contains("PRIVATE").contains("USER");
        assertThat(request.toString()).doesNotContain("1234").doesNotContain("system secret").contains("PRIVATE");
        assertThat(Message.user("x").sensitivity()).isEqualTo(Sensitivity.PUBLIC);
        assertThat(new Message(Role.USER, "x", List.of(), null).sensitivity()).isEqualTo(Sensitivity.PUBLIC);
    }

    @Test
    void changingTheRoutingAfterBuildDoesNotChangeTheClient() {
        Routing routing = Routing.inOrder();
        ScriptedRuntime peer = peer();
        try (InferenceClient client = InferenceClient.builder().runtime(peer).routing(routing).build()) {
            routing.trust("peer");
            assertThatThrownBy(() -> client.chat().user("secret", Sensitivity.PRIVATE).call())
                    .isInstanceOf(PolicyViolationException.class);
            assertThat(peer.generationsStarted()).isZero();
        }
    }

    @Test
    void privateDataGoesOnlyToPeersExplicitlyTrusted() {
        ScriptedRuntime peer = peer();
        try (InferenceClient untrusted = InferenceClient.builder().runtime(peer).build()) {
            assertThatThrownBy(() -> untrusted.chat().user("secret", Sensitivity.PRIVATE).call())
                    .isInstanceOf(PolicyViolationException.class).hasMessageContaining("privacy.PRIVATE");
        }
        ScriptedRuntime trustedPeer = peer();
        try (InferenceClient trusted = InferenceClient.builder().runtime(trustedPeer).routing(Routing.inOrder().trust("peer")).build()) {
            assertThat(trusted.chat().user("secret", Sensitivity.PRIVATE).call().text()).isEqualTo("from peer");
        }
        assertThat(peer.generationsStarted()).isZero();
    }

    @Test
    void internalDataStaysOnOwnMachinesUnlessARuleWidensIt() {
        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(cloud).runtime(peer())
                .routing(Routing.inOrder()).build()) {
            ChatResponse answer = client.chat().user("roadmap", Sensitivity.INTERNAL).call();
            assertThat(answer.route().runtime()).isEqualTo("peer");
            assertThat(cloud.generationsStarted()).isZero();
        }
        try (InferenceClient client = InferenceClient.builder().runtime(cloud()).runtime(peer())
                .routing(Routing.inOrder().allow(Sensitivity.INTERNAL, Locality.THIRD_PARTY)).build()) {
            assertThat(client.chat().user("roadmap", Sensitivity.INTERNAL).call().route().runtime()).isEqualTo("cloud");
        }
    }

    @Test
    void privateDataCannotBeAllowedToThirdPartiesNorCanOneBeTrusted() {
        assertThatThrownBy(() -> Routing.localFirst().allow(Sensitivity.PRIVATE, Locality.THIRD_PARTY))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("privacy.PRIVATE");
        assertThatThrownBy(() -> InferenceClient.builder().runtime(cloud()).routing(Routing.localFirst().trust("cloud")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("third party");
        assertThatThrownBy(() -> InferenceClient.builder().runtime(cloud()).routing(Routing.pinned("nowhere")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'nowhere'");
    }

    @Test
    void privateRequestWhoseLocalRuntimeFailsIsNeverRetriedInTheCloud() {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").failFirst(1, RoutingTest::unreachable).build();
        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().fallbackOnAny()).build()) {
            // policy, not bad luck, ended it: the caller can tell, and still has the local failure as the cause
            assertThatThrownBy(() -> client.chat().user("secret", Sensitivity.PRIVATE).call())
                    .isInstanceOfSatisfying(FallbackForbiddenException.class, e -> {
                        assertThat(e.rule()).isEqualTo("privacy.PRIVATE");
                        assertThat(e.refused()).containsExactly("cloud");
                        assertThat(e).hasMessageContaining("unreachable").hasMessageContaining("forbids falling back");
                        assertThat(e.getCause()).isInstanceOf(RuntimeFailureException.class).hasMessage("unreachable");
                    })
                    .isInstanceOf(PolicyViolationException.class);
            assertThat(cloud.generationsStarted()).isZero();
        }
    }

    @Test
    void aPublicRequestWhoseOnlyRuntimeFailsKeepsItsOwnError() {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").failFirst(1, RoutingTest::unreachable).build();
        try (InferenceClient client = InferenceClient.builder().runtime(local)
                .routing(Routing.localFirst().fallbackOnAny()).build()) {
            assertThatThrownBy(() -> client.chat().user("hi").call())
                    .isInstanceOf(RuntimeFailureException.class).hasMessage("unreachable");
        }
    }

    @Test
    void aRuntimeThatCannotOpenIsAnUnavailableRouteWhenRoutingFallsBackFromOne() {
        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(ScriptedRuntime.builder().name("local").failOpen())
                .runtime(cloud).routing(Routing.localFirst().fallbackOn(Fallback.UNAVAILABLE)).build()) {
            ChatResponse answer = client.chat().user("hi").call();
            assertThat(answer.route().runtime()).isEqualTo("cloud");
            assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.trigger()).isEqualTo(Fallback.UNAVAILABLE);
                assertThat(attempt.detail()).contains("could not be opened", "fail on open");
            });
            // a private request cannot take that fallback, and says why
            assertThatThrownBy(() -> client.chat().user("secret", Sensitivity.PRIVATE).call())
                    .isInstanceOfSatisfying(FallbackForbiddenException.class, e -> assertThat(e.getCause())
                            .isInstanceOf(RuntimeUnavailableException.class)
                            .hasCauseInstanceOf(ModelLoadException.class));
            assertThat(cloud.generationsStarted()).isEqualTo(1);
        }
        // without that fallback, a runtime that cannot open fails the build
        assertThatThrownBy(() -> InferenceClient.builder().runtime(ScriptedRuntime.builder().name("local").failOpen())
                .runtime(cloud()).routing(Routing.localFirst().fallbackOn(Fallback.TOO_SLOW)).build())
                .isInstanceOf(ModelLoadException.class);
    }

    // ---- fallback --------------------------------------------------------------------------------------------------

    private static RuntimeFailureException unreachable() {
        return new RuntimeFailureException("unreachable", new ConnectException("Connection refused"));
    }

    static Stream<Arguments> triggers() {
        return Stream.of(
                Arguments.of(Fallback.UNAVAILABLE, (Supplier<RuntimeException>) RoutingTest::unreachable),
                Arguments.of(Fallback.UNAVAILABLE, (Supplier<RuntimeException>) () -> new RateLimitedException("P", 429, "rate_limit", "slow down", null)),
                Arguments.of(Fallback.UNAVAILABLE, (Supplier<RuntimeException>) () -> new ProviderException("P", 503, "", "overloaded")),
                Arguments.of(Fallback.CONTEXT_TOO_LONG, (Supplier<RuntimeException>) () -> new ContextOverflowException(5000, 4096)),
                Arguments.of(Fallback.MODEL_MISSING, (Supplier<RuntimeException>) () -> new ProviderException("P", 404, "", "no such model")),
                Arguments.of(Fallback.MODEL_MISSING, (Supplier<RuntimeException>) () -> new ModelNotFoundException("gone")),
                Arguments.of(Fallback.TOO_SLOW, (Supplier<RuntimeException>) () -> new RequestTimeoutException("read timeout", null)),
                Arguments.of(Fallback.ERROR, (Supplier<RuntimeException>) () -> new ProviderException("P", 500, "", "oops")),
                Arguments.of(Fallback.ERROR, (Supplier<RuntimeException>) () -> new IllegalStateException("engine bug")));
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("triggers")
    void localFirstFallsBackToTheCloudOnEachTrigger(Fallback trigger, Supplier<RuntimeException> failure) {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").failFirst(1, failure).build();
        try (InferenceClient client = InferenceClient.builder().runtime(cloud()).runtime(local)
                .routing(Routing.localFirst().fallbackOn(trigger)).build()) {
            ChatResponse answer = client.chat().user("hi").call();

            assertThat(answer.text()).isEqualTo("from cloud");
            assertThat(answer.route().fellBack()).isTrue();
            assertThat(answer.route().reason()).isEqualTo("local-first: a third-party provider, after 1 runtime failed");
            assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.runtime()).isEqualTo("local");
                assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.FAILED);
                assertThat(attempt.trigger()).isEqualTo(trigger);
            });
        }
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("triggers")
    void aFailureWhoseTriggerIsNotConfiguredSurfacesWithoutFallback(Fallback trigger, Supplier<RuntimeException> failure) {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").failFirst(1, failure).build();
        ScriptedRuntime cloud = cloud();
        Fallback[] others = Stream.of(Fallback.UNAVAILABLE, Fallback.CONTEXT_TOO_LONG, Fallback.MODEL_MISSING,
                Fallback.TOO_SLOW, Fallback.ERROR).filter(other -> other != trigger).toArray(Fallback[]::new);
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().fallbackOn(others)).build()) {
            assertThatThrownBy(() -> client.chat().user("hi").call()).isInstanceOf(HearthException.class);
            assertThat(cloud.generationsStarted()).isZero();
        }
    }

    @Test
    void aBadRequestIsNeverSentElsewhere() {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local")
                .failFirst(1, () -> new ProviderException("P", 400, "invalid_request_error", "bad tool schema")).build();
        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().fallbackOnAny()).build()) {
            assertThatThrownBy(() -> client.chat().user("hi").call()).isInstanceOf(ProviderException.class);
            assertThat(cloud.generationsStarted()).isZero();
        }
    }

    @Test
    void cloudFirstFallsBackToLocal() {
        ScriptedRuntime cloud = ScriptedRuntime.builder().name("cloud").locality(Locality.THIRD_PARTY)
                .failFirst(1, () -> new RateLimitedException("P", 429, "", "busy", Duration.ofSeconds(30))).build();
        try (InferenceClient client = InferenceClient.builder().runtime(local("from", " local")).runtime(cloud)
                .routing(Routing.cloudFirst().fallbackOn(Fallback.UNAVAILABLE)).build()) {
            ChatResponse answer = client.chat().user("hi").call();

            assertThat(answer.text()).isEqualTo("from local");
            assertThat(answer.route().attempts()).extracting(RouteAttempt::runtime).containsExactly("cloud");
        }
    }

    @Test
    void whenEveryRuntimeFailsTheErrorListsEachAttempt() {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").failFirst(1, RoutingTest::unreachable).build();
        ScriptedRuntime cloud = ScriptedRuntime.builder().name("cloud").locality(Locality.THIRD_PARTY)
                .failFirst(1, () -> new ProviderException("P", 500, "", "oops")).build();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().fallbackOnAny()).build()) {
            assertThatThrownBy(() -> client.chat().user("hi").call())
                    .isInstanceOfSatisfying(NoRouteException.class, error -> assertThat(error.attempts())
                            .extracting(RouteAttempt::runtime, RouteAttempt::trigger)
                            .containsExactly(org.assertj.core.groups.Tuple.tuple("local", Fallback.UNAVAILABLE),
                                    org.assertj.core.groups.Tuple.tuple("cloud", Fallback.ERROR)))
                    .hasCauseInstanceOf(ProviderException.class);
        }
    }

    @Test
    void aFailureAfterTheFirstTokenReachedTheCallerIsNeverResent() {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").tokens("a", "b", "c")
                .failAt(2, RoutingTest::unreachable).build();
        ScriptedRuntime cloud = cloud();
        List<String> received = new CopyOnWriteArrayList<>();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().fallbackOnAny()).build()) {
            assertThatThrownBy(() -> client.chat().user("hi").stream(event -> received.add(event.text())))
                    .isInstanceOf(RuntimeFailureException.class).hasMessageContaining("unreachable");
            assertThat(received).containsExactly("a", "b");
            assertThat(cloud.generationsStarted()).isZero();
        }
    }

    @Test
    void aRuntimeSlowerThanTheFirstTokenBudgetIsAbandonedAndItsLateTokensNeverReachTheCaller() throws Exception {
        TokenGate never = new TokenGate(0);
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").tokens("late").gate(never).build();
        List<String> received = new CopyOnWriteArrayList<>();
        ManualBudgetTimer timer = new ManualBudgetTimer();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud())
                .routing(Routing.localFirst().fallbackOn(Fallback.TOO_SLOW).timeToFirstTokenBudget(Duration.ofMillis(50))
                        .budgetTimer(timer)).build()) {
            Generation generation = client.chat().user("hi").submit(event -> received.add(event.text()));
            ManualBudgetTimer.Started localBudget = timer.awaitStart();
            assertThat(localBudget.budget()).isEqualTo(Duration.ofMillis(50));
            localBudget.expire();
            ChatResponse answer = generation.await();

            assertThat(answer.text()).isEqualTo("from cloud");
            assertThat(received).containsExactly("from", " cloud");
            assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.trigger()).isEqualTo(Fallback.TOO_SLOW);
                assertThat(attempt.detail()).contains("time-to-first-token budget");
            });
            assertThat(local.awaitFinished().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(timer.awaitStart().cancelled()).as("the cloud's budget ends with its answer").isTrue();
        }
    }

    @Test
    void exceedingTheTotalBudgetAfterTheAnswerBeganIsAnErrorNotAFallback() throws Exception {
        TokenGate oneToken = new TokenGate(1);
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").tokens("a", "b").gate(oneToken).build();
        ScriptedRuntime cloud = cloud();
        List<String> received = new CopyOnWriteArrayList<>();
        ManualBudgetTimer timer = new ManualBudgetTimer();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().fallbackOnAny().totalLatencyBudget(Duration.ofMillis(50)).budgetTimer(timer))
                .build()) {
            Generation generation = client.chat().user("hi").submit(event -> received.add(event.text()));
            ManualBudgetTimer.Started budget = timer.awaitStart();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (received.isEmpty()) { // the first token comes out; the second is held by the gate
                assertThat(System.nanoTime()).as("the first token within 10 s").isLessThan(deadline);
                Thread.sleep(1);
            }
            budget.expire();
            assertThatThrownBy(generation::await)
                    .isInstanceOf(RequestTimeoutException.class).hasMessageContaining("total-latency budget")
                    .hasMessageContaining("not resent");
            assertThat(received).containsExactly("a");
            assertThat(cloud.generationsStarted()).isZero();
        }
    }

    @Test
    void theCallersCancellationIsNotAFallback() throws Exception {
        TokenGate gate = new TokenGate(0);
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").tokens("a").gate(gate).build();
        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().fallbackOnAny()).build()) {
            Generation generation = client.chat().user("hi").submit(event -> { });
            generation.cancel();

            assertThat(local.awaitFinished().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(cloud.generationsStarted()).isZero();
        }
    }

    @Test
    void aRequestedModelIsServedByTheRuntimeThatHasIt() {
        try (InferenceClient client = InferenceClient.builder().runtime(local("from", " local")).runtime(cloud())
                .routing(Routing.localFirst()).build()) {
            ChatResponse answer = client.chat().user("hi").model("big").call();

            assertThat(answer.route().runtime()).isEqualTo("cloud");
            assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.trigger()).isEqualTo(Fallback.MODEL_MISSING);
                assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.SKIPPED);
            });
        }
    }

    // ---- circuit breaker -------------------------------------------------------------------------------------------

    @Test
    void circuitBreakerOpensAfterConsecutiveFailuresHalfOpensAfterTheDelayAndClosesOnSuccess() {
        MutableClock clock = new MutableClock();
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").tokens("from", " local")
                .failFirst(3, RoutingTest::unreachable).build();
        ScriptedRuntime cloud = cloud();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().fallbackOnAny().circuitBreaker(2, Duration.ofSeconds(30)).clock(clock)).build()) {
            // two failures: each falls back, and the second opens the breaker
            assertThat(client.chat().user("1").call().route().attempts()).extracting(RouteAttempt::outcome)
                    .containsExactly(RouteAttempt.Outcome.FAILED);
            client.chat().user("2").call();
            assertThat(local.generationsStarted()).isEqualTo(2);

            // open: local is skipped without being called
            ChatResponse skipped = client.chat().user("3").call();
            assertThat(skipped.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.SKIPPED);
                assertThat(attempt.trigger()).isEqualTo(Fallback.UNAVAILABLE);
                assertThat(attempt.detail()).contains("circuit breaker open");
            });
            assertThat(local.generationsStarted()).isEqualTo(2);

            // half-open after the delay: one trial, which fails and opens it again
            clock.advance(Duration.ofSeconds(29));
            client.chat().user("4").call();
            assertThat(local.generationsStarted()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(1));
            assertThat(client.chat().user("5").call().route().attempts()).extracting(RouteAttempt::outcome)
                    .containsExactly(RouteAttempt.Outcome.FAILED);
            assertThat(local.generationsStarted()).isEqualTo(3);
            client.chat().user("6").call();
            assertThat(local.generationsStarted()).isEqualTo(3);

            // the next trial succeeds and closes it
            clock.advance(Duration.ofSeconds(30));
            ChatResponse recovered = client.chat().user("7").call();
            assertThat(recovered.route().runtime()).isEqualTo("local");
            assertThat(recovered.route().attempts()).isEmpty();
            assertThat(client.chat().user("8").call().route().runtime()).isEqualTo("local");
            assertThat(local.generationsStarted()).isEqualTo(5);
        }
    }

    @Test
    void problemsOfTheRequestItselfDoNotOpenTheBreaker() {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").tokens("ok")
                .failFirst(3, () -> new ContextOverflowException(9000, 4096)).build();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud())
                .routing(Routing.localFirst().fallbackOnAny().circuitBreaker(1, Duration.ofHours(1))).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.chat().user("long").call().route().runtime()).isEqualTo("cloud");
            }
            assertThat(client.chat().user("short").call().route().runtime()).isEqualTo("local");
        }
    }

    @Test
    void withASingleRuntimeTheOpenBreakerRefusesQuickly() {
        MutableClock clock = new MutableClock();
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").failFirst(5, RoutingTest::unreachable).build();
        try (InferenceClient client = InferenceClient.builder().runtime(local)
                .routing(Routing.inOrder().circuitBreaker(1, Duration.ofSeconds(5)).clock(clock)).build()) {
            assertThatThrownBy(() -> client.chat().user("1").call()).isInstanceOf(RuntimeFailureException.class);
            assertThatThrownBy(() -> client.chat().user("2").call()).isInstanceOfSatisfying(NoRouteException.class,
                    error -> assertThat(error.attempts()).singleElement()
                            .satisfies(attempt -> assertThat(attempt.detail()).contains("circuit breaker open")));
            assertThat(local.generationsStarted()).isEqualTo(1);
        }
    }
}
