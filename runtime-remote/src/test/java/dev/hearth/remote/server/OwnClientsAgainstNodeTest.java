package dev.hearth.remote.server;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.conformance.RuntimeConformanceSuite;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.remote.providers.Anthropic;
import dev.hearth.remote.providers.Ollama;
import dev.hearth.remote.providers.OpenAi;
import dev.hearth.remote.providers.OpenAiCompatible;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

import java.net.URI;
import java.time.Duration;

/**
 * Our own provider clients against our own node server, through real sockets, on the real stories260K model: each
 * remote runtime passes the conformance suite every runtime must pass, end to end through both halves of
 * runtime-remote.
 */
class OwnClientsAgainstNodeTest {

    /** One node per client kind: starts stories260K behind the server and points the client at it. */
    abstract static class AgainstNode extends RuntimeConformanceSuite {
        private StoriesNode node;

        abstract RuntimeSpec client(URI node);

        @Override
        protected InferenceClient newClient() {
            node = StoriesNode.start();
            return InferenceClient.builder().runtime(client(node.server.baseUri())).build();
        }

        @Override
        protected ChatRequest.Builder longAnswerRequest() {
            return ChatRequest.builder().user(StoriesNode.PROMPT);
        }

        @AfterAll
        void stopNode() {
            if (node != null) {
                node.close();
            }
        }
    }

    @Nested
    class OpenAiChatCompletions extends AgainstNode {
        @Override
        RuntimeSpec client(URI node) {
            return OpenAi.chatCompletions().baseUrl(node.resolve("/v1")).apiKey("unused-on-loopback")
                    .model(StoriesNode.MODEL).readTimeout(Duration.ofSeconds(60));
        }
    }

    @Nested
    class OpenAiResponses extends AgainstNode {
        @Override
        protected boolean honoursSeed() {
            return false; // the API has no seed parameter
        }

        @Override
        RuntimeSpec client(URI node) {
            return OpenAi.responses().baseUrl(node.resolve("/v1")).apiKey("unused-on-loopback")
                    .model(StoriesNode.MODEL).readTimeout(Duration.ofSeconds(60));
        }
    }

    @Nested
    class AnthropicMessages extends AgainstNode {
        @Override
        protected boolean honoursSeed() {
            return false; // the API has no seed parameter
        }

        @Override
        RuntimeSpec client(URI node) {
            return Anthropic.messages().baseUrl(node.resolve("/v1")).apiKey("unused-on-loopback")
                    .model(StoriesNode.MODEL).readTimeout(Duration.ofSeconds(60));
        }
    }

    @Nested
    class OllamaChat extends AgainstNode {
        @Override
        RuntimeSpec client(URI node) {
            return Ollama.chat().baseUrl(node).model(StoriesNode.MODEL).readTimeout(Duration.ofSeconds(60));
        }
    }

    @Nested
    class OpenAiCompatibleServer extends AgainstNode {
        @Override
        RuntimeSpec client(URI node) {
            return OpenAiCompatible.at(node.resolve("/v1")).model(StoriesNode.MODEL).readTimeout(Duration.ofSeconds(60));
        }
    }
}
