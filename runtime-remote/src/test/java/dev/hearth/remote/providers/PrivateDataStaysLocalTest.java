package dev.hearth.remote.providers;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.Fallback;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.PolicyViolationException;
import dev.hearth.api.RouteAttempt;
import dev.hearth.api.Routing;
import dev.hearth.api.Sensitivity;
import dev.hearth.api.spi.Locality;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The privacy guarantee end to end: a private request never opens a connection to a third-party provider, whatever
 * the policy order and fallback rules, even when the local runtime cannot answer it.
 */
class PrivateDataStaysLocalTest {
    private final ConnectionRecorder cloud = new ConnectionRecorder();

    @AfterEach
    void close() throws IOException {
        cloud.close();
    }

    private InferenceClient client(Routing routing, int localContext) {
        return InferenceClient.builder()
                .runtime(OpenAi.chatCompletions().apiKey("sk-test-privacy").model("gpt-4.1-mini").name("cloud")
                        .baseUrl(cloud.baseUri()).maxRetries(0))
                .runtime(LocalModel.stories(localContext))
                .routing(routing)
                .build();
    }

    @Test
    void aPrivateRequestMakesNoConnectionToTheCloudWhateverThePolicy() {
        List<Supplier<Routing>> policies = List.of(
                () -> Routing.inOrder().fallbackOnAny(),       // the cloud is configured first
                () -> Routing.cloudFirst().fallbackOnAny(),
                () -> Routing.localFirst().fallbackOnAny(),
                Routing::localFirst);
        for (Supplier<Routing> policy : policies) {
            try (InferenceClient client = client(policy.get(), 256)) {
                ChatResponse answer = client.chat().user("Once upon a time, my secret", Sensitivity.PRIVATE).maxTokens(4).call();

                assertThat(answer.route().runtime()).isEqualTo(LocalModel.RUNTIME);
                assertThat(answer.usage().completionTokens()).isPositive();
                // where the cloud comes before the local model, the route shows it ruled out by the privacy rule
                assertThat(answer.route().attempts()).allSatisfy(attempt -> {
                    assertThat(attempt.runtime()).isEqualTo("cloud");
                    assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.SKIPPED);
                    assertThat(attempt.trigger()).isEqualTo(Fallback.POLICY);
                });
            }
        }
        assertNoConnectionThenProveTheRecorderWorks();
    }

    @Test
    void aPrivateRequestPinnedToTheCloudIsRefusedNamingTheRule() {
        try (InferenceClient client = client(Routing.pinned("cloud"), 256)) {
            assertThatThrownBy(() -> client.chat().user("my secret", Sensitivity.PRIVATE).call())
                    .isInstanceOfSatisfying(PolicyViolationException.class,
                            violation -> assertThat(violation.rule()).isEqualTo("privacy.PRIVATE"));
        }
        assertNoConnectionThenProveTheRecorderWorks();
    }

    @Test
    void aPrivateRequestTooLongForTheLocalModelFailsRatherThanGoingToTheCloud() {
        String longPrompt = "Once upon a time there was a little fox who lived in the snow. ".repeat(20);
        try (InferenceClient client = client(Routing.cloudFirst().fallbackOnAny(), 32)) {
            assertThatThrownBy(() -> client.chat().user(longPrompt, Sensitivity.PRIVATE).call())
                    .isInstanceOf(dev.hearth.api.FallbackForbiddenException.class)
                    .hasCauseInstanceOf(ContextOverflowException.class);
        }
        try (InferenceClient client = client(Routing.localFirst().fallbackOnAny(), 32)) {
            assertThatThrownBy(() -> client.chat().system("public rules").user(longPrompt).sensitivity(Sensitivity.PRIVATE).call())
                    .isInstanceOf(dev.hearth.api.FallbackForbiddenException.class)
                    .hasCauseInstanceOf(ContextOverflowException.class);
        }
        assertNoConnectionThenProveTheRecorderWorks();
    }

    @Test
    void aPeerOnThisMachineIsNotTrustedWithPrivateDataUnlessNamed() {
        try (InferenceClient client = InferenceClient.builder()
                .runtime(OpenAiCompatible.at(cloud.baseUri()).name("peer").maxRetries(0)) // loopback: a TRUSTED_PEER
                .runtime(LocalModel.stories(256))
                .routing(Routing.inOrder().fallbackOnAny()).build()) {
            assertThat(client.runtimes().getFirst().locality()).isEqualTo(Locality.TRUSTED_PEER);
            ChatResponse answer = client.chat().user("secret", Sensitivity.PRIVATE).maxTokens(2).call();
            assertThat(answer.route().runtime()).isEqualTo(LocalModel.RUNTIME);
        }
        assertNoConnectionThenProveTheRecorderWorks();
    }

    /**
     * A public request does connect (and, finding the connection closed, falls back to the local model): the recorder
     * counts exactly that one connection, so the zero before it was real, not a recorder that sees nothing.
     */
    private void assertNoConnectionThenProveTheRecorderWorks() {
        assertThat(cloud.connections()).isZero();
        try (InferenceClient client = client(Routing.cloudFirst().fallbackOn(Fallback.UNAVAILABLE), 256)) {
            ChatResponse answer = client.chat().user("Once upon a time").maxTokens(2).call();

            assertThat(answer.route().runtime()).isEqualTo(LocalModel.RUNTIME);
            assertThat(answer.route().attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.runtime()).isEqualTo("cloud");
                assertThat(attempt.outcome()).isEqualTo(RouteAttempt.Outcome.FAILED);
                assertThat(attempt.trigger()).isEqualTo(Fallback.UNAVAILABLE);
            });
        }
        assertThat(cloud.connections()).isEqualTo(1);
    }
}
