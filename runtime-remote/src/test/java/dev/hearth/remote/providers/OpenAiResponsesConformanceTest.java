package dev.hearth.remote.providers;

import dev.hearth.api.spi.RuntimeSpec;

class OpenAiResponsesConformanceTest extends FakeProviderConformance {
    @Override
    protected boolean honoursSeed() {
        return false; // the API has no seed parameter; the fake's determinism would make the test pass by luck
    }

    @Override
    RuntimeSpec spec(FakeServer server) {
        return OpenAi.responses().apiKey("sk-test-conformance").model("gpt-4.1-mini").baseUrl(server.baseUri("/v1"));
    }
}
