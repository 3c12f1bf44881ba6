package dev.hearth.langchain4j;

import dev.langchain4j.model.output.TokenUsage;

import java.util.Objects;

/**
 * LangChain4j's token usage with the count Hearth adds: how many of the input tokens came from a prefix cache rather
 * than being computed. Sums keep it when both sides are Hearth usages (AiServices sums the usage of every turn of a
 * tool loop).
 */
public final class HearthTokenUsage extends TokenUsage {
    private final int cachedInputTokenCount;

    public HearthTokenUsage(int inputTokenCount, int cachedInputTokenCount, int outputTokenCount) {
        super(inputTokenCount, outputTokenCount);
        if (cachedInputTokenCount < 0 || cachedInputTokenCount > inputTokenCount) {
            throw new IllegalArgumentException("cachedInputTokenCount must be in [0, " + inputTokenCount + "], was "
                    + cachedInputTokenCount);
        }
        this.cachedInputTokenCount = cachedInputTokenCount;
    }

    /** The input tokens served from a prefix cache (a part of {@link #inputTokenCount()}). */
    public int cachedInputTokenCount() {
        return cachedInputTokenCount;
    }

    @Override
    public TokenUsage add(TokenUsage that) {
        if (that == null) {
            return this;
        }
        if (!(that instanceof HearthTokenUsage hearth)) {
            return super.add(that);
        }
        return new HearthTokenUsage(inputTokenCount() + hearth.inputTokenCount(),
                cachedInputTokenCount + hearth.cachedInputTokenCount, outputTokenCount() + hearth.outputTokenCount());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HearthTokenUsage that && super.equals(that)
                && cachedInputTokenCount == that.cachedInputTokenCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), cachedInputTokenCount);
    }

    @Override
    public String toString() {
        return "HearthTokenUsage { inputTokenCount = " + inputTokenCount() + ", cachedInputTokenCount = "
                + cachedInputTokenCount + ", outputTokenCount = " + outputTokenCount() + ", totalTokenCount = "
                + totalTokenCount() + " }";
    }
}
