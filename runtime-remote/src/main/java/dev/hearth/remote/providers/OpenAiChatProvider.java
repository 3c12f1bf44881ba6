package dev.hearth.remote.providers;

/** Opens {@code "openai"} runtimes; found through {@link java.util.ServiceLoader}. */
public final class OpenAiChatProvider extends SpecProvider {
    public OpenAiChatProvider() {
        super(Kind.OPENAI_CHAT, OpenAi::chatCompletions);
    }
}
