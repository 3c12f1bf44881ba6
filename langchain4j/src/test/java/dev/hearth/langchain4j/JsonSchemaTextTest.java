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
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonSchemaTextTest {

    @Test
    void everyElementTypeIsWrittenAsJsonSchema() {
        JsonObjectSchema node = JsonObjectSchema.builder()
                .addProperty("value", JsonStringSchema.builder().description("a \"quoted\"\nvalue").build())
                .addProperty("next", JsonAnyOfSchema.builder().anyOf(
                        JsonReferenceSchema.builder().reference("node").build(), new JsonNullSchema()).build())
                .required("value")
                .build();
        JsonObjectSchema root = JsonObjectSchema.builder()
                .description("everything")
                .addProperty("count", new JsonIntegerSchema())
                .addProperty("ratio", new JsonNumberSchema())
                .addProperty("ok", new JsonBooleanSchema())
                .addProperty("colour", JsonEnumSchema.builder().enumValues("red", "green").build())
                .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                .addProperty("raw", JsonRawSchema.from("{\"type\":\"string\",\"maxLength\":3}"))
                .addProperty("head", JsonReferenceSchema.builder().reference("node").build())
                .required("count", "colour")
                .additionalProperties(false)
                .definitions(Map.of("node", node))
                .build();

        assertThat(JsonSchemaText.of(root, false)).isEqualTo("{\"type\":\"object\",\"description\":\"everything\","
                + "\"properties\":{\"count\":{\"type\":\"integer\"},\"ratio\":{\"type\":\"number\"},"
                + "\"ok\":{\"type\":\"boolean\"},\"colour\":{\"type\":\"string\",\"enum\":[\"red\",\"green\"]},"
                + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "\"raw\":{\"type\":\"string\",\"maxLength\":3},\"head\":{\"$ref\":\"#/$defs/node\"}},"
                + "\"required\":[\"count\",\"colour\"],\"additionalProperties\":false,"
                + "\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{"
                + "\"value\":{\"type\":\"string\",\"description\":\"a \\\"quoted\\\"\\nvalue\"},"
                + "\"next\":{\"anyOf\":[{\"$ref\":\"#/$defs/node\"},{\"type\":\"null\"}]}},"
                + "\"required\":[\"value\"]}}}");
    }

    @Test
    void strictModeRequiresEveryPropertyAndClosesObjectsThatDoNotSayOtherwise() {
        JsonObjectSchema open = JsonObjectSchema.builder().addProperty("a", new JsonStringSchema())
                .addProperty("b", JsonObjectSchema.builder().additionalProperties(true).build()).build();

        assertThat(JsonSchemaText.of(open, true)).isEqualTo("{\"type\":\"object\",\"properties\":{"
                + "\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"object\",\"properties\":{},\"additionalProperties\":true}},"
                + "\"required\":[\"a\",\"b\"],\"additionalProperties\":false}");
        assertThat(JsonSchemaText.of(open, false)).doesNotContain("additionalProperties\":false");
    }

    @Test
    void aRawSchemaThatIsNotAnObjectIsRefusedWithItsPlace() {
        JsonObjectSchema root = JsonObjectSchema.builder().addProperty("x", JsonRawSchema.from("[1,2]")).build();

        assertThatThrownBy(() -> JsonSchemaText.of(root, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#/properties/x").hasMessageContaining("[1,2]");
    }
}
