package dev.hearth.remote.providers;

import dev.hearth.api.spi.RuntimeSpec;

class OpenAiChatConformanceTest extends FakeProviderConformance {
    @Override
    RuntimeSpec spec(FakeServer server) {
        return OpenAi.chatCompletions().apiKey("sk-test-conformance").model("gpt-4.1-mini").baseUrl(server.baseUri("/v1"));
    }
}
