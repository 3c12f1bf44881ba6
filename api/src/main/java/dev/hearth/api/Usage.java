package dev.hearth.api;

/**
 * Token counts of one answer. {@code cachedPromptTokens} of the {@code promptTokens} were served from a cache rather
 * than computed.
 */
public record Usage(int promptTokens, int cachedPromptTokens, int completionTokens) {
    public Usage {
        if (promptTokens < 0 || cachedPromptTokens < 0 || completionTokens < 0 || cachedPromptTokens > promptTokens) {
            throw new IllegalArgumentException("Inconsistent usage: prompt " + promptTokens + ", cached " + cachedPromptTokens
                    + ", completion " + completionTokens);
        }
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
