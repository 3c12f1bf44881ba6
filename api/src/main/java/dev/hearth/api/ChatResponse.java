package dev.hearth.api;

import java.util.List;
import java.util.Objects;

/** A complete answer: its text, tool calls, why it ended, what it cost, where its time went and who served it. */
public record ChatResponse(String text, List<ToolCall> toolCalls, FinishReason finishReason, Usage usage,
                           Timings timings, Route route) {
    public ChatResponse {
        Objects.requireNonNull(text, "text");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(route, "route");
    }

    public ChatResponse withRoute(Route newRoute) {
        return new ChatResponse(text, toolCalls, finishReason, usage, timings, newRoute);
    }
}
