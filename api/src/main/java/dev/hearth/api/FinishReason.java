package dev.hearth.api;

/** Why generation ended. */
public enum FinishReason {
    /** The model produced its end-of-generation token. */
    STOP,
    /** One of the request's stop sequences appeared; it is not part of the text. */
    STOP_SEQUENCE,
    /** The request's {@code maxTokens} was reached. */
    LENGTH,
    /** The context window filled up before the model finished. */
    CONTEXT_FULL,
    /** The model asked for tool calls. */
    TOOL_CALLS,
    /** The caller cancelled the generation; the text holds what was produced until then. */
    CANCELLED
}
