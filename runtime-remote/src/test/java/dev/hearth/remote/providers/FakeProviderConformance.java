package dev.hearth.remote.providers;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.conformance.RuntimeConformanceSuite;
import dev.hearth.api.spi.RuntimeSpec;
import org.junit.jupiter.api.AfterAll;

/**
 * Runs the shared conformance suite against one client, opened through ServiceLoader from its spec, talking over a
 * real socket to a {@link FakeModel} that speaks the provider's API.
 */
abstract class FakeProviderConformance extends RuntimeConformanceSuite {
    private FakeServer server;

    /** The spec under test, pointed at the fake server. */
    abstract RuntimeSpec spec(FakeServer server);

    @Override
    protected InferenceClient newClient() {
        server = new FakeServer().fallback(new FakeModel());
        return InferenceClient.builder().runtime(spec(server)).build();
    }

    @Override
    protected ChatRequest.Builder longAnswerRequest() {
        return ChatRequest.builder().system("You tell short stories.").user("Tell me a story about a fox.");
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }
}
