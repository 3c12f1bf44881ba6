package dev.hearth.local.onnx;

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
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Constrained decoding in the ONNX decoder, on a random-weight Llama whose free output is noise: at temperature 1
 * every answer under a schema validates (networknt's validator), "any JSON" gives an object, a GBNF grammar is
 * followed, and unconstrained output is unchanged by the feature.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxConstrainedOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type":"object","properties":{"name":{"type":"string","maxLength":12},"legs":{"type":"integer"},
             "mood":{"enum":["happy","sad"]},"tags":{"type":"array","items":{"type":"boolean"},"maxItems":3}},
             "required":["name","legs","mood","tags"],"additionalProperties":false}""";
    private InferenceClient client;

    @BeforeAll
    void open() {
        client = InferenceClient.builder().runtime(Onnx.model(SharedModels.tinyLlamaOnnxFp16()).threads(1)).build();
    }

    @AfterAll
    void close() {
        client.close();
    }

    @Test
    void everyAnswerUnderASchemaValidates() throws Exception {
        Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(SCHEMA);
        for (long seed = 1; seed <= 8; seed++) {
            ChatResponse answer = client.chat().user("Describe a pet as JSON.")
                    .responseFormat(ResponseFormat.jsonSchema("pet", SCHEMA, true))
                    .temperature(1.0).topK(0).topP(1.0).minP(0).seed(seed).maxTokens(400).call();
            String where = "seed " + seed + ": " + answer.text();
            assertThat(answer.finishReason()).as(where).isEqualTo(FinishReason.STOP);
            JsonNode parsed = JSON.readTree(answer.text());
            assertThat(validator.validate(parsed)).as(where).isEmpty();
        }
    }

    @Test
    void anyJsonAndGrammarsAreFollowed() throws Exception {
        ChatResponse object = client.chat().user("JSON please").responseFormat(ResponseFormat.json())
                .temperature(1.0).seed(3).maxTokens(400).call();
        if (object.finishReason() == FinishReason.STOP) {
            assertThat(JSON.readTree(object.text()).isObject()).as(object.text()).isTrue();
        } else {
            assertThat(object.text().stripLeading()).as(object.text()).startsWith("{");
        }
        ChatResponse grammar = client.chat().user("Answer yes or no")
                .responseFormat(ResponseFormat.grammar("root ::= (\"yes\" | \"no\") \", \" [0-9] [0-9]?"))
                .temperature(1.0).seed(5).maxTokens(50).call();
        assertThat(grammar.text()).matches("(yes|no), [0-9][0-9]?");
    }

    @Test
    void unconstrainedOutputIsUnchanged() {
        // the same greedy answer as a runtime opened afresh, and no mask cost: the vocabulary is built only when asked
        ChatResponse before = client.chat().user("Hello").temperature(0).maxTokens(8).call();
        client.chat().user("x").responseFormat(ResponseFormat.json()).temperature(0).maxTokens(4).call();
        ChatResponse after = client.chat().user("Hello").temperature(0).maxTokens(8).call();
        assertThat(after.text()).isEqualTo(before.text());
    }

    @Test
    void aBadSchemaIsRefusedByName() {
        assertThatThrownBy(() -> client.chat().user("x")
                .responseFormat(ResponseFormat.jsonSchema("bad", "{\"type\":\"string\",\"pattern\":\"a+\"}", true)).call())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("pattern");
    }
}
