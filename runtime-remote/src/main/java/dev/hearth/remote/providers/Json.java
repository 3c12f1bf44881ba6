package dev.hearth.remote.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.RuntimeFailureException;

/** The shared Jackson mapper and the conversions every protocol needs. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses what a provider sent; malformed JSON is a runtime failure that shows the start of the text. */
    static JsonNode fromProvider(String provider, String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String start = text.length() > 200 ? text.substring(0, 200) + "..." : text;
            throw new RuntimeFailureException(provider + " sent malformed JSON: " + start, e);
        }
    }

    /** A tool's parameter schema, which must be a JSON object. */
    static ObjectNode schema(String toolName, String schema) {
        return object(schema, "parameter schema of tool '" + toolName + "'");
    }

    /** A response format's JSON schema, which must be a JSON object. */
    static ObjectNode responseSchema(String name, String schema) {
        return object(schema, "schema of response format '" + name + "'");
    }

    /** A tool call's arguments, which must be a JSON object (providers that take arguments as objects need this). */
    static ObjectNode arguments(String toolName, String arguments) {
        return object(arguments.isBlank() ? "{}" : arguments, "arguments of the call to tool '" + toolName + "'");
    }

    private static ObjectNode object(String text, String what) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new InvalidRequestException("The " + what + " must be a JSON object, was: " + node.getNodeType());
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("The " + what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** The text of a field, or null when absent or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The integer at a path of fields, or null when any is absent or JSON null. */
    static Integer integer(JsonNode node, String... path) {
        JsonNode current = node;
        for (String field : path) {
            if (current == null || current.isNull()) {
                return null;
            }
            current = current.get(field);
        }
        return current == null || current.isNull() || !current.isNumber() ? null : current.asInt();
    }
}
