package dev.hearth.examples.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordSchemaTest {
    enum Unit { CELSIUS, FAHRENHEIT }

    record Point(double x, double y) {
    }

    record Everything(@ToolParam(value = "a city", maxLength = 20) String city, int count, Long big, boolean flag,
                      Unit unit, List<String> tags, Point[] points, Point origin) {
    }

    record Recursive(Recursive next) {
    }

    record WithObject(Object anything) {
    }

    @Test
    void componentsBecomeRequiredPropertiesOfTheStrictSubset() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(RecordSchema.of(Everything.class));

        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(schema.path("required")).extracting(JsonNode::asText)
                .containsExactly("city", "count", "big", "flag", "unit", "tags", "points", "origin");
        JsonNode properties = schema.path("properties");
        assertThat(properties.path("city").toString())
                .isEqualTo("{\"type\":\"string\",\"description\":\"a city\",\"maxLength\":20}");
        assertThat(properties.path("count").path("type").asText()).isEqualTo("integer");
        assertThat(properties.path("big").path("type").asText()).isEqualTo("integer");
        assertThat(properties.path("flag").path("type").asText()).isEqualTo("boolean");
        assertThat(properties.path("unit").path("enum")).extracting(JsonNode::asText).containsExactly("CELSIUS", "FAHRENHEIT");
        assertThat(properties.path("tags").path("items").path("type").asText()).isEqualTo("string");
        assertThat(properties.path("points").path("items").path("properties").path("x").path("type").asText()).isEqualTo("number");
        assertThat(properties.path("origin").path("required")).extracting(JsonNode::asText).containsExactly("x", "y");
    }

    @Test
    void typesWithoutASchemaAreRefusedByComponent() {
        assertThatThrownBy(() -> RecordSchema.of(WithObject.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WithObject.anything");
        assertThatThrownBy(() -> RecordSchema.of(Recursive.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains itself");
    }

    @Test
    void aRecordToolParsesItsArgumentsIntoTheRecord() throws Exception {
        AgentTool tool = AgentTool.of("point", "a point", Point.class, p -> p.x() + p.y());
        assertThat(tool.definition().strict()).isTrue();
        assertThat(tool.call("{\"x\":1.5,\"y\":2}")).isEqualTo(ToolResult.of("3.5"));
        assertThatThrownBy(() -> tool.call("{\"x\":1.5,\"y\":2,\"z\":3}")).isInstanceOf(ToolArgumentsException.class);
    }
}
