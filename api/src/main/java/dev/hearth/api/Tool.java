package dev.hearth.api;

import java.util.Objects;

/**
 * A tool the model may call: a name, a description the model reads, and the JSON Schema of its parameters
 * (as JSON text, e.g. {@code {"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}}).
 *
 * <p>A {@code strict} tool's calls are constrained where the runtime supports it (the local GGUF engine): once the
 * model opens a tool call in its own format, every token that would name another tool or break the arguments' schema
 * is masked, so the call always parses and validates. A schema outside the supported subset (OpenAI's strict mode) is
 * then refused, by keyword and JSON pointer. Free text before and between calls stays free.
 */
public record Tool(String name, String description, String parametersJsonSchema, boolean strict) {
    public Tool {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new InvalidRequestException("Tool name must be 1-64 letters, digits, '_', '.' or '-', was: " + name);
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parametersJsonSchema, "parametersJsonSchema");
    }

    /** A tool whose calls are not constrained. */
    public Tool(String name, String description, String parametersJsonSchema) {
        this(name, description, parametersJsonSchema, false);
    }

    /** A tool whose calls are constrained to its name and its parameters' schema. */
    public static Tool strict(String name, String description, String parametersJsonSchema) {
        return new Tool(name, description, parametersJsonSchema, true);
    }
}
