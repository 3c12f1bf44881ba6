package dev.hearth.remote.providers;

import dev.hearth.api.spi.RuntimeSpec;

import java.util.Map;

/** Opened from named settings, as a configuration file would, to cover that path too. */
class OpenAiCompatibleConformanceTest extends FakeProviderConformance {
    @Override
    RuntimeSpec spec(FakeServer server) {
        return RuntimeSpec.of("openai-compatible", Map.of("baseUrl", server.baseUri("/v1").toString(),
                "model", "stories260K", "locality", "TRUSTED_PEER", "readTimeout", "30s"));
    }
}
