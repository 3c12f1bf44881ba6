package dev.hearth.remote.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON in and out, and typed reads of request fields that answer a wrong type with a 400 naming the field, the way
 * the APIs themselves do.
 */
final class Json {
    /** Jackson's default read constraints (nesting depth, number and string lengths) bound hostile bodies. */
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialise", e);
        }
    }

    /** Parses a request body that must be one JSON object. */
    static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiError.invalid("The request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || node.isMissingNode()) {
            throw ApiError.invalid("The request body is empty; send a JSON object.");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.invalid("The request body must be a JSON object, was " + node.getNodeType().name().toLowerCase());
        }
        return object;
    }

    /** Parses a JSON text found inside a request (tool arguments); null when it is not valid JSON. */
    static JsonNode parseOrNull(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static boolean present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.invalidParam(field, "'" + field + "' must be a string, was " + describe(value));
        }
        return value.asText();
    }

    static String requiredText(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            throw ApiError.invalidParam(field, "'" + field + "' is required");
        }
        return value;
    }

    static Integer integer(JsonNode node, String field) {
        Long value = longInteger(node, field);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw ApiError.invalidParam(field, "'" + field + "' is out of range, was " + value);
        }
        return value.intValue();
    }

    /**
     * A token limit: an integer, where a value beyond what any context holds (clients send {@code 1e12} for "as much
     * as possible") means no limit but the context's.
     */
    static Integer tokenLimit(JsonNode node, String field) {
        Long value = longInteger(node, field);
        if (value == null) {
            return null;
        }
        return value > Integer.MAX_VALUE ? Integer.MAX_VALUE : value < Integer.MIN_VALUE ? Integer.MIN_VALUE : value.intValue();
    }

    /**
     * An integer, also when written in exponent form ({@code 1e6}): JSON has one number type, and JavaScript clients
     * write large integers that way.
     */
    static Long longInteger(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber() && !value.isIntegralNumber() && Double.isFinite(value.doubleValue())) {
            java.math.BigDecimal decimal = value.decimalValue();
            if (decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0) {
                try {
                    return decimal.toBigIntegerExact().longValueExact();
                } catch (ArithmeticException tooLarge) {
                    throw ApiError.invalidParam(field, "'" + field + "' is out of range, was " + value.asText());
                }
            }
        }
        if (value.isIntegralNumber()) {
            throw ApiError.invalidParam(field, "'" + field + "' is out of range, was " + value.asText());
        }
        throw ApiError.invalidParam(field, "'" + field + "' must be an integer, was " + describe(value));
    }

    static Double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiError.invalidParam(field, "'" + field + "' must be a number, was " + describe(value));
        }
        return value.doubleValue();
    }

    static boolean bool(JsonNode node, String field, boolean absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalidParam(field, "'" + field + "' must be true or false, was " + describe(value));
        }
        return value.booleanValue();
    }

    static ArrayNode array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!(value instanceof ArrayNode array)) {
            throw ApiError.invalidParam(field, "'" + field + "' must be an array, was " + describe(value));
        }
        return array;
    }

    static ObjectNode object(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!(value instanceof ObjectNode object)) {
            throw ApiError.invalidParam(field, "'" + field + "' must be an object, was " + describe(value));
        }
        return object;
    }

    /** A field that holds one string or an array of strings (OpenAI's {@code stop}). */
    static List<String> stringOrStrings(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (value.isArray()) {
            List<String> strings = new ArrayList<>();
            for (JsonNode element : value) {
                if (!element.isTextual()) {
                    throw ApiError.invalidParam(field, "'" + field + "' must hold strings, found " + describe(element));
                }
                strings.add(element.asText());
            }
            return strings;
        }
        throw ApiError.invalidParam(field, "'" + field + "' must be a string or an array of strings, was " + describe(value));
    }

    /** The element of an array as an object, or a 400 naming its position. */
    static ObjectNode element(JsonNode element, String field, int index) {
        if (!(element instanceof ObjectNode object)) {
            throw ApiError.invalidParam(field, field + "[" + index + "] must be an object, was " + describe(element));
        }
        return object;
    }

    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "the number " + value.asText();
            case BOOLEAN -> value.asText();
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase();
        };
    }
}
