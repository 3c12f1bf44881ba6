package dev.hearth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ResponseFormat;
import dev.hearth.local.internal.grammar.GbnfParser;
import dev.hearth.local.internal.grammar.GrammarMatcher;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real (tiny) model forced into shapes it was never trained on: stories260K writes children's stories, yet every
 * answer under a schema parses and validates, checked by Jackson and by networknt's JSON Schema validator.
 */
class ConstrainedGenerationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static InferenceClient client;

    static final String ORDER = """
            {"type": "object",
             "properties": {
               "customer": {"type": "object",
                            "properties": {"name": {"type": "string"}, "vip": {"type": "boolean"}},
                            "required": ["name", "vip"], "additionalProperties": false},
               "items": {"type": "array", "maxItems": 3,
                         "items": {"type": "object",
                                   "properties": {"sku": {"enum": ["apple", "pear", "fig"]},
                                                  "count": {"type": "integer"}},
                                   "required": ["sku", "count"], "additionalProperties": false}},
               "note": {"type": ["string", "null"]},
               "status": {"const": "open"}
             },
             "required": ["customer", "items", "status"],
             "additionalProperties": false}
            """;

    @BeforeAll
    static void open() {
        client = InferenceClient.builder().runtime(Gguf.model(SharedModels.stories260K()).threads(1)).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void everySampledAnswerValidatesAgainstTheSchema(long seed) throws Exception {
        Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(ORDER);
        ChatResponse answer = client.chat().user("Once upon a time there was an order.")
                .responseFormat(ResponseFormat.jsonSchema("order", ORDER, true))
                .temperature(1.0).topK(0).topP(1.0).minP(0).seed(seed).maxTokens(1500)
                .call();

        assertThat(answer.finishReason()).as(answer.text()).isEqualTo(FinishReason.STOP);
        JsonNode parsed = JSON.readTree(answer.text());
        assertThat(validator.validate(parsed)).as(answer.text()).isEmpty();
        assertThat(parsed.get("status").asText()).isEqualTo("open");
    }

    /** Schemas of different shapes: each answer that ends validates; one cut by the limit is a valid prefix. */
    @ParameterizedTest
    @ValueSource(strings = {
        // nested objects and booleans
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"object\","
                + "\"properties\":{\"c\":{\"type\":\"boolean\"}},\"required\":[\"c\"]}},\"required\":[\"b\"]}},\"required\":[\"a\"]}",
        // arrays of enums with bounds
        "{\"type\":\"array\",\"items\":{\"enum\":[\"red\",\"green\",\"blue\",null,7]},\"minItems\":1,\"maxItems\":4}",
        // optional fields only
        "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},\"y\":{\"type\":\"number\"},"
                + "\"z\":{\"type\":\"null\"}},\"additionalProperties\":false}",
        // unicode in keys, enums and constants
        "{\"type\":\"object\",\"properties\":{\"città\":{\"enum\":[\"Zürich\",\"東京\",\"Αθήνα 🏛\"]},"
                + "\"ok\":{\"const\":\"✓\"}},\"required\":[\"città\",\"ok\"]}",
        // anyOf with a reference
        "{\"$defs\":{\"point\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},"
                + "\"y\":{\"type\":\"integer\"}},\"required\":[\"x\",\"y\"]}},"
                + "\"anyOf\":[{\"$ref\":\"#/$defs/point\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/point\"},\"maxItems\":2}]}",
        // strings
        "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"}},\"required\":[\"title\"]}"})
    void answersUnderManySchemasValidateWithAnIndependentValidator(String schema) throws Exception {
        Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema);
        dev.hearth.local.internal.grammar.Grammar grammar =
                dev.hearth.local.internal.grammar.JsonSchemaGrammar.compile(schema);
        int complete = 0;
        for (long seed = 1; seed <= 8; seed++) {
            ChatResponse answer = client.chat().user("Once upon a time")
                    .responseFormat(ResponseFormat.jsonSchema("shape", schema, true))
                    .temperature(1.0).topK(0).topP(1.0).minP(0).seed(seed).maxTokens(400).call();
            if (answer.finishReason() == FinishReason.STOP) {
                assertThat(validator.validate(JSON.readTree(answer.text()))).as(answer.text()).isEmpty();
                complete++;
            } else {
                assertThat(answer.finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(GrammarMatcher.isPrefix(grammar, answer.text())).as(answer.text()).isTrue();
            }
        }
        assertThat(complete).as("answers that ended within 400 tokens").isGreaterThanOrEqualTo(4);
    }

    @Test
    void jsonObjectAnswersAreObjectsOrTheirPrefixesWhenCutByTheTokenLimit() throws Exception {
        // a story model never closes an open-ended object within a few hundred tokens (it prefers long strings and
        // more members), so the answers here end at the limit: each must still be a prefix of a JSON object
        for (long seed = 1; seed <= 6; seed++) {
            ChatResponse answer = client.chat().user("Lily and Ben").json().temperature(1.0).seed(seed).maxTokens(300)
                    .call();
            if (answer.finishReason() == FinishReason.STOP) {
                assertThat(JSON.readTree(answer.text()).isObject()).as(answer.text()).isTrue();
            } else {
                assertThat(answer.finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(GrammarMatcher.isPrefix(
                        dev.hearth.local.internal.grammar.JsonSchemaGrammar.anyObject(), answer.text())).isTrue();
            }
        }
    }

    @Test
    void userGrammar() {
        String gbnf = """
                root ::= "The " animal " is " colour "."
                animal ::= "cat" | "dog" | "bird"
                colour ::= [a-z]{3,8}
                """;
        for (long seed = 1; seed <= 5; seed++) {
            ChatResponse answer = client.chat().user("Once upon a time").grammar(gbnf).temperature(1.0).seed(seed)
                    .maxTokens(100).call();
            assertThat(GrammarMatcher.matches(GbnfParser.compile(gbnf), answer.text())).as(answer.text()).isTrue();
            assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
            // the grammar was complete after the last token: no forward pass was spent on sampling the end token
            assertThat(answer.timings().decodeTokens()).isEqualTo(answer.usage().completionTokens() - 1);
        }
    }

    @Test
    void unsupportedSchemaIsRefusedByName() {
        assertThatThrownBy(() -> client.chat().user("x")
                .responseFormat(ResponseFormat.jsonSchema("s", "{\"type\":\"string\",\"format\":\"email\"}", true))
                .call())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'format'");
    }

    @Test
    void unconstrainedOutputIsUnchanged() {
        ChatResponse plain = client.chat().user("Lily").temperature(1.0).seed(3).maxTokens(60).call();
        ChatResponse explicit = client.chat().user("Lily").temperature(1.0).seed(3).maxTokens(60)
                .responseFormat(ResponseFormat.text()).call();
        assertThat(explicit.text()).isEqualTo(plain.text());
    }
}
