package dev.hearth.api;

import java.util.Objects;

/**
 * A tool call the model tried to make but wrote wrongly (malformed JSON, no tool name, arguments that are not an
 * object). It is reported next to the well-formed calls of {@link ChatResponse#toolCallErrors()} rather than thrown,
 * so the conversation survives: the caller can show the model {@link #problem()} and let it try again.
 *
 * @param rawText the model's text for the call, as generated
 * @param problem what is wrong with it, in words fit to send back to the model
 */
public record ToolCallError(String rawText, String problem) {
    public ToolCallError {
        Objects.requireNonNull(rawText, "rawText");
        Objects.requireNonNull(problem, "problem");
    }
}
