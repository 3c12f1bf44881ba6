package dev.hearth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolChoice;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance property of constrained decoding, with real weights and the full distribution at temperature 1.0:
 * for every seed, every answer under each of ten schemas ends by itself and validates with networknt's JSON Schema
 * validator (not our grammar), and every required tool call names an offered tool with arguments that validate against
 * its schema. Models: stories260K with the ChatML template shipped with Hearth, and the qwen2, qwen3 and llama parity
 * models, which carry no template of their own, with their families' real templates (Qwen2.5, Qwen3, Llama 3.2).
 *
 * <p>Seeds per schema and model come from {@code -Dhearth.schemaSeeds} (default 10, which keeps the class under a
 * minute on two cores); the 1,000-seed run is
 * {@code ./mvnw -q -B -o -pl runtime-local -am test -Dtest=SchemaPropertyTest -Dhearth.schemaSeeds=1000
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dhearth.schemaModels=llama,qwen3} runs only the models named, so
 * a long run can be split across machines or cores.
 */
class SchemaPropertyTest {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaPropertyTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SEEDS = Integer.getInteger("hearth.schemaSeeds", 10);
    private static final int MAX_TOKENS = 4000;

    static final List<String> SCHEMAS = List.of(
            // 1. nested objects
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"object\","
                    + "\"properties\":{\"c\":{\"type\":\"boolean\"},\"d\":{\"type\":\"integer\"}},\"required\":[\"c\",\"d\"],"
                    + "\"additionalProperties\":false}},\"required\":[\"b\"],\"additionalProperties\":false}},"
                    + "\"required\":[\"a\"],\"additionalProperties\":false}",
            // 2. an array of objects with enums
            "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"maxItems\":3,\"items\":{\"type\":\"object\","
                    + "\"properties\":{\"sku\":{\"enum\":[\"apple\",\"pear\",\"fig\"]},\"count\":{\"type\":\"integer\"}},"
                    + "\"required\":[\"sku\",\"count\"],\"additionalProperties\":false}}},\"required\":[\"items\"],"
                    + "\"additionalProperties\":false}",
            // 3. bounded array of mixed enums
            "{\"type\":\"array\",\"items\":{\"enum\":[\"red\",\"green\",\"blue\",null,7]},\"minItems\":1,\"maxItems\":4}",
            // 4. optional fields only
            "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},\"y\":{\"type\":\"number\"},"
                    + "\"z\":{\"type\":\"null\"}},\"additionalProperties\":false}",
            // 5. unicode in keys, enums and constants
            "{\"type\":\"object\",\"properties\":{\"città\":{\"enum\":[\"Zürich\",\"東京\",\"Αθήνα 🏛\"]},"
                    + "\"ok\":{\"const\":\"✓\"}},\"required\":[\"città\",\"ok\"],\"additionalProperties\":false}",
            // 6. anyOf with a reference
            "{\"$defs\":{\"point\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},"
                    + "\"y\":{\"type\":\"integer\"}},\"required\":[\"x\",\"y\"],\"additionalProperties\":false}},"
                    + "\"anyOf\":[{\"$ref\":\"#/$defs/point\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/point\"},"
                    + "\"maxItems\":2}]}",
            // 7. unicode strings, required and optional, with length bounds: a random-weight model (the qwen2 parity
            //    model) never closes an unbounded string within its context, so every free string here has maxLength
            "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":40},"
                    + "\"subtitle\":{\"type\":\"string\",\"maxLength\":60}},\"required\":[\"title\"],\"additionalProperties\":false}",
            // 8. nullable, const and nested object with an optional array
            "{\"type\":\"object\",\"properties\":{\"customer\":{\"type\":\"object\",\"properties\":{\"name\":"
                    + "{\"type\":\"string\",\"maxLength\":30},\"vip\":{\"type\":\"boolean\"}},\"required\":[\"name\",\"vip\"],"
                    + "\"additionalProperties\":false},\"note\":{\"type\":[\"string\",\"null\"],\"maxLength\":30},\"status\":{\"const\":\"open\"},"
                    + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":20},\"maxItems\":2}},"
                    + "\"required\":[\"customer\",\"status\"],\"additionalProperties\":false}",
            // 9. recursion through $defs, bounded by the array sizes
            "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},\"kids\":{\"type\":\"array\","
                    + "\"items\":{\"$ref\":\"#/$defs/node\"},\"maxItems\":1}},\"required\":[\"v\"],"
                    + "\"additionalProperties\":false}},\"$ref\":\"#/$defs/node\"}",
            // 10. every primitive type at once
            "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"maxLength\":30},\"i\":{\"type\":\"integer\"},"
                    + "\"n\":{\"type\":\"number\"},\"b\":{\"type\":\"boolean\"},\"z\":{\"type\":\"null\"},"
                    + "\"e\":{\"enum\":[\"ü\",\"ß\",\"€\"]}},\"required\":[\"s\",\"i\",\"n\",\"b\",\"z\",\"e\"],"
                    + "\"additionalProperties\":false}");

    static final Tool WEATHER = Tool.strict("get_weather", "The weather in a city.",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":40},\"unit\":{\"enum\":[\"C\",\"F\"]}},"
                    + "\"required\":[\"city\",\"unit\"],\"additionalProperties\":false}");
    static final Tool ADD = Tool.strict("add", "Adds two integers.",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},"
                    + "\"required\":[\"a\",\"b\"],\"additionalProperties\":false}");

    static Stream<Arguments> models() {
        List<String> only = List.of(System.getProperty("hearth.schemaModels", "").split(",")).stream()
                .map(String::strip).filter(name -> !name.isEmpty()).toList();
        return allModels().filter(model -> only.isEmpty() || only.contains((String) model.get()[0]));
    }

    private static Stream<Arguments> allModels() {
        return Stream.of(
                Arguments.of("stories260K+chatml", (UnaryOperator<GgufModelSpec>) spec -> spec.chatTemplate("chatml"),
                        SharedModels.stories260K()),
                Arguments.of("qwen2", template("Qwen-Qwen2.5-7B-Instruct.jinja"), parity("qwen2-Q8_0.gguf")),
                Arguments.of("qwen3", template("Qwen-Qwen3-0.6B.jinja"), parity("qwen3-Q8_0.gguf")),
                Arguments.of("llama", template("meta-llama-Llama-3.2-3B-Instruct.jinja"), parity("llama-Q8_0.gguf")));
    }

    private static UnaryOperator<GgufModelSpec> template(String file) {
        return spec -> spec.chatTemplate(SharedModels.file("chat-templates/" + file));
    }

    private static java.nio.file.Path parity(String file) {
        return SharedModels.file("parity/models/" + file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyAnswerValidatesAndEveryForcedCallIsARealToolWithValidArguments(String name,
            UnaryOperator<GgufModelSpec> template, java.nio.file.Path model) throws Exception {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Map<String, Schema> toolSchemas = Map.of(WEATHER.name(), registry.getSchema(WEATHER.parametersJsonSchema()),
                ADD.name(), registry.getSchema(ADD.parametersJsonSchema()));
        int answers = 0;
        int calls = 0;
        long tokens = 0;
        try (InferenceClient client = InferenceClient.builder()
                .runtime(template.apply(Gguf.model(model).threads(1).contextLength(2048))).build()) {
            for (int s = 0; s < SCHEMAS.size(); s++) {
                Schema validator = registry.getSchema(SCHEMAS.get(s));
                for (long seed = 1; seed <= SEEDS; seed++) {
                    ChatResponse answer = client.chat().user("Tell me about the weather today, as JSON.")
                            .responseFormat(ResponseFormat.jsonSchema("shape" + s, SCHEMAS.get(s), true))
                            .temperature(1.0).topK(0).topP(1.0).minP(0).seed(seed).maxTokens(MAX_TOKENS).call();
                    String where = name + " schema " + (s + 1) + " seed " + seed + ": " + answer.text();
                    assertThat(answer.finishReason()).as(where).isEqualTo(FinishReason.STOP);
                    JsonNode parsed = JSON.readTree(answer.text());
                    assertThat(validator.validate(parsed)).as(where).isEmpty();
                    answers++;
                    tokens += answer.usage().completionTokens();
                }
            }
            for (long seed = 1; seed <= SEEDS; seed++) {
                ChatResponse answer = client.chat().user("What is the weather in Paris, and what is 2 + 3?")
                        .tools(WEATHER, ADD).toolChoice(seed % 3 == 0 ? ToolChoice.named("add") : ToolChoice.required())
                        .temperature(1.0).topK(0).topP(1.0).minP(0).seed(seed).maxTokens(MAX_TOKENS).call();
                String where = name + " tool call, seed " + seed + ": " + answer.text() + " " + answer.toolCallErrors();
                assertThat(answer.toolCallErrors()).as(where).isEmpty();
                assertThat(answer.toolCalls()).as(where).hasSize(1);
                ToolCall call = answer.toolCalls().getFirst();
                assertThat(toolSchemas).as(where).containsKey(call.name());
                if (seed % 3 == 0) {
                    assertThat(call.name()).isEqualTo("add");
                }
                assertThat(toolSchemas.get(call.name()).validate(JSON.readTree(call.argumentsJson())))
                        .as(where + " " + call.argumentsJson()).isEmpty();
                calls++;
            }
        }
        LOG.info("{}: {} schema answers ({} tokens) and {} forced tool calls validated", name, answers, tokens, calls);
        assertThat(answers).isEqualTo(SCHEMAS.size() * SEEDS);
    }
}
