package dev.hearth.remote.providers;

import dev.hearth.api.ConfigurationException;

/**
 * An Anthropic Messages runtime ({@link Anthropic#messages()}). Its data goes to a third party. Prompt caching is
 * on: {@code cache_control} breakpoints mark the tools, the system prompt and the conversation so far.
 */
public final class AnthropicSpec extends RemoteSpec<AnthropicSpec> {
    private int maxTokensWhenUnlimited = 4096;

    AnthropicSpec() {
        super(Kind.ANTHROPIC, true);
    }

    /**
     * Anthropic requires a token limit on every request: this one is sent when the request sets none
     * (default 4096).
     */
    public AnthropicSpec maxTokensWhenUnlimited(int tokens) {
        if (tokens < 1) {
            throw new ConfigurationException("maxTokensWhenUnlimited must be at least 1, was " + tokens);
        }
        this.maxTokensWhenUnlimited = tokens;
        return this;
    }

    @Override
    int maxTokensWhenUnlimited() {
        return maxTokensWhenUnlimited;
    }

    @Override
    boolean applySetting(String key, String value) {
        if (key.equals("maxTokensWhenUnlimited")) {
            maxTokensWhenUnlimited(Settings.integer(key, value));
            return true;
        }
        return super.applySetting(key, value);
    }

    @Override
    String extraSettings() {
        return ", maxTokensWhenUnlimited";
    }
}
