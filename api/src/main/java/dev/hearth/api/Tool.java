package dev.hearth.api;

import java.util.Objects;

/**
 * A tool the model may call: a name, a description the model reads, and the JSON Schema of its parameters
 * (as JSON text, e.g. {@code {"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}}).
 */
public record Tool(String name, String description, String parametersJsonSchema) {
    public Tool {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new InvalidRequestException("Tool name must be 1-64 letters, digits, '_', '.' or '-', was: " + name);
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parametersJsonSchema, "parametersJsonSchema");
    }
}
