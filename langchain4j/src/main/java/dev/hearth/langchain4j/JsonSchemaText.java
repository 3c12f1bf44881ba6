package dev.hearth.langchain4j;

import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;

import java.util.List;
import java.util.Map;

/**
 * Writes LangChain4j's JSON Schema elements as JSON Schema text, the form Hearth's {@code Tool} and
 * {@code ResponseFormat} take. Written here rather than borrowed from LangChain4j's internal utilities, which may
 * change in any release.
 *
 * <p>Definitions go under {@code $defs} and references point at {@code #/$defs/NAME} (the form the local engine's
 * constrained decoding and OpenAI's strict mode read). In strict mode, as OpenAI's strict mode requires, every property
 * of an object is required (an optional value is then written as {@code anyOf} with null) and an object that does not
 * say whether it allows additional properties gets {@code "additionalProperties": false}.
 */
final class JsonSchemaText {
    private JsonSchemaText() {
    }

    /** The schema of {@code element} as JSON text. */
    static String of(JsonSchemaElement element, boolean strict) {
        StringBuilder out = new StringBuilder();
        write(element, strict, out, "#");
        return out.toString();
    }

    private static void write(JsonSchemaElement element, boolean strict, StringBuilder out, String where) {
        if (element == null) {
            throw new IllegalArgumentException("JSON schema element at " + where + " is null");
        }
        Fields fields = new Fields(out);
        switch (element) {
            case JsonObjectSchema object -> {
                fields.string("type", "object");
                fields.description(object.description());
                Map<String, JsonSchemaElement> properties = object.properties();
                if (properties != null) {
                    fields.name("properties");
                    writeMap(properties, strict, out, where + "/properties");
                }
                // strict mode (OpenAI's, which the local engine's subset follows) wants every property required
                List<String> required = strict && properties != null ? List.copyOf(properties.keySet()) : object.required();
                if (required != null && !required.isEmpty()) {
                    fields.name("required");
                    writeStrings(required, out);
                }
                Boolean additional = object.additionalProperties();
                if (additional != null || strict) {
                    fields.name("additionalProperties");
                    out.append(additional != null && additional);
                }
                Map<String, JsonSchemaElement> definitions = object.definitions();
                if (definitions != null && !definitions.isEmpty()) {
                    fields.name("$defs");
                    writeMap(definitions, strict, out, where + "/$defs");
                }
            }
            case JsonStringSchema string -> {
                fields.string("type", "string");
                fields.description(string.description());
            }
            case JsonIntegerSchema integer -> {
                fields.string("type", "integer");
                fields.description(integer.description());
            }
            case JsonNumberSchema number -> {
                fields.string("type", "number");
                fields.description(number.description());
            }
            case JsonBooleanSchema bool -> {
                fields.string("type", "boolean");
                fields.description(bool.description());
            }
            case JsonNullSchema ignored -> fields.string("type", "null");
            case JsonEnumSchema enumeration -> {
                fields.string("type", "string");
                fields.description(enumeration.description());
                fields.name("enum");
                writeStrings(enumeration.enumValues(), out);
            }
            case JsonArraySchema array -> {
                fields.string("type", "array");
                fields.description(array.description());
                if (array.items() != null) {
                    fields.name("items");
                    write(array.items(), strict, out, where + "/items");
                }
            }
            case JsonAnyOfSchema anyOf -> {
                fields.description(anyOf.description());
                fields.name("anyOf");
                out.append('[');
                List<JsonSchemaElement> options = anyOf.anyOf();
                for (int i = 0; i < options.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(options.get(i), strict, out, where + "/anyOf/" + i);
                }
                out.append(']');
            }
            case JsonReferenceSchema reference -> {
                String target = reference.reference();
                if (target == null || target.isBlank()) {
                    throw new IllegalArgumentException("JSON schema reference at " + where + " names no definition");
                }
                // LangChain4j names the definition; a full pointer is passed through as written
                fields.string("$ref", target.startsWith("#") ? target : "#/$defs/" + target);
                fields.description(reference.description());
            }
            case JsonRawSchema raw -> {
                // already JSON Schema text: inserted as it is, so it must be one JSON object
                String schema = raw.schema() == null ? "" : raw.schema().strip();
                if (!schema.startsWith("{") || !schema.endsWith("}")) {
                    throw new IllegalArgumentException("raw JSON schema at " + where + " is not a JSON object: " + schema);
                }
                out.append(schema);
                return;
            }
            default -> throw new IllegalArgumentException("JSON schema element " + element.getClass().getName()
                    + " at " + where + " has no JSON Schema form known to Hearth");
        }
        out.append('}');
    }

    private static void writeMap(Map<String, JsonSchemaElement> elements, boolean strict, StringBuilder out,
                                 String where) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonSchemaElement> entry : elements.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(entry.getKey(), out);
            out.append(':');
            write(entry.getValue(), strict, out, where + "/" + entry.getKey());
        }
        out.append('}');
    }

    private static void writeStrings(List<String> values, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            quote(values.get(i), out);
        }
        out.append(']');
    }

    /** Writes {@code text} as a JSON string literal. */
    static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The fields of one object being written: opens it at the first field and puts the commas between. */
    private static final class Fields {
        private final StringBuilder out;
        private boolean opened;

        Fields(StringBuilder out) {
            this.out = out;
        }

        void name(String name) {
            out.append(opened ? ',' : '{');
            opened = true;
            quote(name, out);
            out.append(':');
        }

        void string(String name, String value) {
            name(name);
            quote(value, out);
        }

        void description(String description) {
            if (description != null) {
                string("description", description);
            }
        }
    }
}
