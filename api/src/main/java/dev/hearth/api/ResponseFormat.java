package dev.hearth.api;

import java.util.Objects;

/**
 * The shape an answer must take. {@link #text()} (the default) leaves it free; the others make a runtime that supports
 * constrained decoding mask every token that would leave the shape, so an answer that ends by itself
 * ({@link FinishReason#STOP}) always parses; one cut by {@code maxTokens} or a stop sequence is a prefix of such text:
 * <pre>{@code
 * client.chat().user("Describe Ann as JSON")
 *         .responseFormat(ResponseFormat.jsonSchema("person", """
 *             {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},
 *              "required":["name","age"],"additionalProperties":false}""", true))
 *         .call();
 * }</pre>
 * A runtime that cannot honour a format refuses the request with an {@link InvalidRequestException}; none ignores it.
 * The local GGUF engine supports all four; its JSON Schema subset is OpenAI's strict mode (objects, required, enums,
 * const, arrays, {@code $defs}/{@code $ref}, anyOf, the primitive types), and it refuses other keywords by name.
 */
public sealed interface ResponseFormat {

    /** Free text (no constraint). */
    static ResponseFormat text() {
        return Text.INSTANCE;
    }

    /** Any JSON object (OpenAI {@code json_object}, Ollama {@code format: "json"}). */
    static ResponseFormat json() {
        return JsonObject.INSTANCE;
    }

    /** JSON that validates against {@code schema} (JSON text). {@code strict} is passed on to remote providers. */
    static ResponseFormat jsonSchema(String name, String schema, boolean strict) {
        return new JsonSchema(name, schema, strict);
    }

    /** Text matching a GBNF grammar (llama.cpp's format) that starts at its rule {@code root}. */
    static ResponseFormat grammar(String gbnf) {
        return new Grammar(gbnf);
    }

    /** Whether this format constrains the answer at all. */
    default boolean constrains() {
        return !(this instanceof Text);
    }

    enum Text implements ResponseFormat {
        INSTANCE
    }

    enum JsonObject implements ResponseFormat {
        INSTANCE
    }

    /** @param name a name for the schema (remote providers require one), 1-64 letters, digits, '_' or '-' */
    record JsonSchema(String name, String schema, boolean strict) implements ResponseFormat {
        public JsonSchema {
            if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new InvalidRequestException("response format name must be 1-64 letters, digits, '_' or '-', was: "
                        + name);
            }
            if (schema == null || schema.isBlank()) {
                throw new InvalidRequestException("response format '" + name + "' needs a JSON schema");
            }
        }

        @Override
        public String toString() {
            return "JsonSchema[" + name + ", " + schema.length() + " chars, strict=" + strict + "]";
        }
    }

    record Grammar(String gbnf) implements ResponseFormat {
        public Grammar {
            Objects.requireNonNull(gbnf, "gbnf");
            if (gbnf.isBlank()) {
                throw new InvalidRequestException("a grammar response format needs a non-empty GBNF grammar");
            }
        }

        @Override
        public String toString() {
            return "Grammar[" + gbnf.length() + " chars]";
        }
    }
}
