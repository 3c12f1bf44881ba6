package dev.hearth.api;

/** The prompt does not fit in the model's context window. Both sizes are carried so callers can trim history. */
public class ContextOverflowException extends HearthException {
    private static final long serialVersionUID = 1L;

    private final int promptTokens;
    private final int contextLength;

    public ContextOverflowException(int promptTokens, int contextLength) {
        super("The prompt has " + promptTokens + " tokens but the context holds " + contextLength
                + ": shorten the conversation, or open the model with a larger contextLength if the model allows it.");
        this.promptTokens = promptTokens;
        this.contextLength = contextLength;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int contextLength() {
        return contextLength;
    }
}
