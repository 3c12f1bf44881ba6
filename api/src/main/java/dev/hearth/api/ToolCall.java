package dev.hearth.api;

import java.util.Objects;

/**
 * A model's request to call a tool: the call's id (echoed back in the tool's result message), the tool's name and
 * its arguments as a JSON object text.
 */
public record ToolCall(String id, String name, String argumentsJson) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(argumentsJson, "argumentsJson");
    }
}
