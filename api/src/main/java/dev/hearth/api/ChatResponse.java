package dev.hearth.api;

import java.util.List;
import java.util.Objects;

/**
 * A complete answer: its text, tool calls, why it ended, what it cost, where its time went and who served it.
 * When the model asked for tools, {@code finishReason} is {@link FinishReason#TOOL_CALLS}; calls it wrote wrongly are
 * in {@code toolCallErrors} (possibly with no valid call at all), so a malformed call never ends the conversation.
 * {@code logprobs} holds one entry per generated token when the request asked for them ({@link GenerationOptions#logprobs()}).
 */
public record ChatResponse(String text, List<ToolCall> toolCalls, FinishReason finishReason, Usage usage,
                           Timings timings, Route route, List<ToolCallError> toolCallErrors,
                           List<TokenLogprob> logprobs) {
    public ChatResponse {
        logprobs = List.copyOf(logprobs);
        Objects.requireNonNull(text, "text");
        toolCalls = List.copyOf(toolCalls);
        toolCallErrors = List.copyOf(toolCallErrors);
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(route, "route");
    }

    /** An answer without log probabilities. */
    public ChatResponse(String text, List<ToolCall> toolCalls, FinishReason finishReason, Usage usage, Timings timings,
                        Route route, List<ToolCallError> toolCallErrors) {
        this(text, toolCalls, finishReason, usage, timings, route, toolCallErrors, List.of());
    }

    /** An answer without malformed tool calls. */
    public ChatResponse(String text, List<ToolCall> toolCalls, FinishReason finishReason, Usage usage, Timings timings,
                        Route route) {
        this(text, toolCalls, finishReason, usage, timings, route, List.of());
    }

    public ChatResponse withRoute(Route newRoute) {
        return new ChatResponse(text, toolCalls, finishReason, usage, timings, newRoute, toolCallErrors, logprobs);
    }
}
