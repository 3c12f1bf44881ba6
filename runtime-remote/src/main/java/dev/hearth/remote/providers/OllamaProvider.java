package dev.hearth.remote.providers;

/** Opens {@code "ollama"} runtimes; found through {@link java.util.ServiceLoader}. */
public final class OllamaProvider extends SpecProvider {
    public OllamaProvider() {
        super(Kind.OLLAMA, Ollama::chat);
    }
}
