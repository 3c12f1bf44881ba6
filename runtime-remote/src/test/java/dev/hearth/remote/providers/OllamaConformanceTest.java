package dev.hearth.remote.providers;

import dev.hearth.api.spi.RuntimeSpec;

class OllamaConformanceTest extends FakeProviderConformance {
    @Override
    RuntimeSpec spec(FakeServer server) {
        return Ollama.chat().model("qwen3:0.6b").baseUrl(server.baseUri(""));
    }
}
