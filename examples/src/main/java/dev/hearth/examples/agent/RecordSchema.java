package dev.hearth.examples.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Derives the JSON Schema of a tool's arguments from a record's components, in OpenAI's strict subset (every
 * property required, no other properties), so a strict tool's calls can be constrained by the local engine and
 * parsed back into the record. Components may be strings, booleans, whole and decimal numbers (boxed or not), enums,
 * lists or arrays of these, and nested records; {@link ToolParam} on a component gives its description and a
 * string's {@code maxLength}.
 */
public final class RecordSchema {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordSchema() {
    }

    /**
     * The schema of {@code type}'s components, as JSON text.
     *
     * @throws IllegalArgumentException naming the component whose type has no JSON Schema here
     */
    public static String of(Class<? extends Record> type) {
        return objectSchema(type, new ArrayList<>()).toString();
    }

    private static ObjectNode objectSchema(Class<?> type, List<Class<?>> enclosing) {
        if (enclosing.contains(type)) {
            throw new IllegalArgumentException("record " + type.getSimpleName() + " contains itself; a tool's arguments"
                    + " must be a finite tree");
        }
        enclosing.add(type);
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (RecordComponent component : type.getRecordComponents()) {
            ObjectNode property;
            try {
                property = typeSchema(component.getGenericType(), enclosing);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + component.getName() + ": " + e.getMessage(), e);
            }
            ToolParam annotation = component.getAnnotation(ToolParam.class);
            if (annotation != null && !annotation.value().isEmpty()) {
                property.put("description", annotation.value());
            }
            if (annotation != null && annotation.maxLength() > 0) {
                if (!"string".equals(property.path("type").asText())) {
                    throw new IllegalArgumentException(type.getSimpleName() + "." + component.getName()
                            + ": maxLength applies to strings only");
                }
                property.put("maxLength", annotation.maxLength());
            }
            properties.set(component.getName(), property);
            required.add(component.getName());
        }
        schema.put("additionalProperties", false);
        enclosing.removeLast();
        return schema;
    }

    private static ObjectNode typeSchema(Type type, List<Class<?>> enclosing) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class) {
            ObjectNode array = JSON.createObjectNode().put("type", "array");
            array.set("items", typeSchema(parameterized.getActualTypeArguments()[0], enclosing));
            return array;
        }
        if (!(type instanceof Class<?> raw)) {
            throw new IllegalArgumentException("type " + type + " has no JSON Schema here (use String, numbers, boolean,"
                    + " enums, List<..>, arrays or records)");
        }
        if (raw == String.class || raw == char.class || raw == Character.class) {
            return JSON.createObjectNode().put("type", "string");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return JSON.createObjectNode().put("type", "boolean");
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class
                || raw == short.class || raw == Short.class || raw == byte.class || raw == Byte.class) {
            return JSON.createObjectNode().put("type", "integer");
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return JSON.createObjectNode().put("type", "number");
        }
        if (raw.isEnum()) {
            ObjectNode schema = JSON.createObjectNode().put("type", "string");
            ArrayNode values = schema.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
            return schema;
        }
        if (raw.isArray()) {
            ObjectNode array = JSON.createObjectNode().put("type", "array");
            array.set("items", typeSchema(raw.getComponentType(), enclosing));
            return array;
        }
        if (raw.isRecord()) {
            return objectSchema(raw, enclosing);
        }
        throw new IllegalArgumentException("type " + raw.getName() + " has no JSON Schema here (use String, numbers,"
                + " boolean, enums, List<..>, arrays or records)");
    }
}
