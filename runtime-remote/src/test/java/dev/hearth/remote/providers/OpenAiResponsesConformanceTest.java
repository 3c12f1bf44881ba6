package dev.hearth.remote.providers;

import dev.hearth.api.spi.RuntimeSpec;

class OpenAiResponsesConformanceTest extends FakeProviderConformance {
    @Override
    RuntimeSpec spec(FakeServer server) {
        return OpenAi.responses().apiKey("sk-test-conformance").model("gpt-4.1-mini").baseUrl(server.baseUri("/v1"));
    }
}
