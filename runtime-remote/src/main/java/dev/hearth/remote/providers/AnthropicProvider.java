package dev.hearth.remote.providers;

/** Opens {@code "anthropic"} runtimes; found through {@link java.util.ServiceLoader}. */
public final class AnthropicProvider extends SpecProvider {
    public AnthropicProvider() {
        super(Kind.ANTHROPIC, Anthropic::messages);
    }
}
