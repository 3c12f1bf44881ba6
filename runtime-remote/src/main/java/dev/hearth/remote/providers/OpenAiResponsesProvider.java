package dev.hearth.remote.providers;

/** Opens {@code "openai-responses"} runtimes; found through {@link java.util.ServiceLoader}. */
public final class OpenAiResponsesProvider extends SpecProvider {
    public OpenAiResponsesProvider() {
        super(Kind.OPENAI_RESPONSES, OpenAi::responses);
    }
}
