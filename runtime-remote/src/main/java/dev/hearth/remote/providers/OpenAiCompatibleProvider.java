package dev.hearth.remote.providers;

/** Opens {@code "openai-compatible"} runtimes; found through {@link java.util.ServiceLoader}. */
public final class OpenAiCompatibleProvider extends SpecProvider {
    public OpenAiCompatibleProvider() {
        super(Kind.OPENAI_COMPATIBLE, OpenAiCompatibleSpec::new);
    }
}
