package dev.hearth.remote.providers;

/**
 * An Ollama server as a runtime.
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder().runtime(Ollama.chat().model("qwen3:0.6b")).build();
 * }</pre>
 */
public final class Ollama {
    private Ollama() {
    }

    /** The chat API ({@code /api/chat}) of the server at {@code http://127.0.0.1:11434}; provider name {@code "ollama"}. */
    public static OllamaSpec chat() {
        return new OllamaSpec();
    }
}
