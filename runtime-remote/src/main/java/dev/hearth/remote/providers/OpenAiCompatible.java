package dev.hearth.remote.providers;

import java.net.URI;

/**
 * Any server that speaks OpenAI Chat Completions (llama.cpp's {@code llama-server}, vLLM, EXO, a Hearth node).
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder()
 *         .runtime(OpenAiCompatible.at(URI.create("http://192.168.1.20:8080/v1")).locality(Locality.TRUSTED_PEER))
 *         .build();
 * }</pre>
 */
public final class OpenAiCompatible {
    private OpenAiCompatible() {
    }

    /** The server whose API lives under {@code baseUrl} (which ends in {@code /v1} for most servers). */
    public static OpenAiCompatibleSpec at(URI baseUrl) {
        return new OpenAiCompatibleSpec().baseUrl(baseUrl);
    }
}
