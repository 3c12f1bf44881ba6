package dev.hearth.examples.agent;

import dev.hearth.api.ToolCall;

import java.time.Duration;
import java.util.Objects;

/** One tool call of a step and what it gave back, with how long it ran. */
public record ToolOutcome(ToolCall call, ToolResult result, Duration took) {
    public ToolOutcome {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(took, "took");
    }
}
