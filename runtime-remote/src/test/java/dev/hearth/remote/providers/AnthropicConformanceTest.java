package dev.hearth.remote.providers;

import dev.hearth.api.spi.RuntimeSpec;

class AnthropicConformanceTest extends FakeProviderConformance {
    @Override
    protected boolean honoursSeed() {
        return false; // the API has no seed parameter; the fake's determinism would make the test pass by luck
    }

    @Override
    RuntimeSpec spec(FakeServer server) {
        return Anthropic.messages().apiKey("sk-ant-test-conformance").model("claude-sonnet-4-5").baseUrl(server.baseUri("/v1"));
    }
}
