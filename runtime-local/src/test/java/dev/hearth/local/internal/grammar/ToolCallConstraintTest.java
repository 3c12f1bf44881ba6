package dev.hearth.local.internal.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hearth.api.GenerationOptions;
import dev.hearth.local.internal.sampling.Sampler;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tool calls under random logits (the worst a model can do) on Llama 3's vocabulary: free text stays unmasked, and once
 * a call opens, it always names an offered tool with arguments its schema accepts.
 */
class ToolCallConstraintTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String WEATHER = """
            {"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["C","F"]},
             "days":{"type":"integer"}},"required":["city","unit"],"additionalProperties":false}""";
    static final String MOVE = """
            {"type":"object","properties":{"to":{"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":2}},
             "required":["to"],"additionalProperties":false}""";
    private static final List<JsonSchemaGrammar.CallableTool> TOOLS = List.of(
            new JsonSchemaGrammar.CallableTool("get_weather", WEATHER),
            new JsonSchemaGrammar.CallableTool("move", MOVE),
            new JsonSchemaGrammar.CallableTool("loose", null));

    @Test
    void hermesCallsOpenedAsTextAlwaysParseAndValidate() throws Exception {
        Tokenizer tokenizer = TokenMaskerTest.tokenizer(TokenMaskerTest.LLAMA3);
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
        Grammar grammar = JsonSchemaGrammar.toolCall(TOOLS, "arguments", "", "</tool_call>");
        Map<String, Schema> schemas = Map.of(
                "get_weather", SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(WEATHER),
                "move", SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(MOVE));
        for (long seed = 1; seed <= 4; seed++) {
            ToolCallConstraint constraint = new ToolCallConstraint(grammar, vocabulary, "<tool_call>");
            String call = sampleCall(tokenizer, vocabulary, constraint, "Let me look that up.\n<tool_call>", seed);
            assertThat(call).endsWith("</tool_call>");
            JsonNode parsed = JSON.readTree(call.substring(0, call.length() - "</tool_call>".length()));
            String name = parsed.path("name").asText();
            assertThat(name).isIn("get_weather", "move", "loose");
            assertThat(parsed.path("arguments").isObject()).isTrue();
            if (schemas.containsKey(name)) {
                assertThat(schemas.get(name).validate(parsed.path("arguments"))).as(call).isEmpty();
            }
            assertThat(constraint.inCall()).isFalse();
        }
    }

    @Test
    void callsOpenedBySpecialTokenAlwaysParse() throws Exception {
        // this vocabulary (Llama 3.0) has no <|python_tag|>; <|start_header_id|> stands in for a special-token opener
        Tokenizer tokenizer = TokenMaskerTest.tokenizer(TokenMaskerTest.LLAMA3);
        int opener = tokenizer.encode("<|start_header_id|>", false, true)[0];
        assertThat(tokenizer.isText(opener)).as("a control token").isFalse();
        TokenVocabulary vocabulary = TokenVocabulary.withMarkers(tokenizer, Set.of(opener));
        // strict schemas only: under random logits an unconstrained object may nest for a long time
        Grammar grammar = JsonSchemaGrammar.toolCall(TOOLS.subList(0, 2), "parameters", "", "");
        ToolCallConstraint constraint = new ToolCallConstraint(grammar, vocabulary, "<|start_header_id|>");
        constraint.accept(opener);
        assertThat(constraint.inCall()).isTrue();
        String call = sampleRest(vocabulary, constraint, 11);
        JsonNode parsed = JSON.readTree(call);
        assertThat(parsed.path("name").asText()).isIn("get_weather", "move");
        assertThat(parsed.path("parameters").isObject()).isTrue();
        assertThat(constraint.inCall()).isFalse();
    }

    @Test
    void mistralNemoCallsAreAnArrayOfValidCalls() throws Exception {
        Tokenizer tokenizer = TokenMaskerTest.tokenizer(TokenMaskerTest.LLAMA3);
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
        Grammar grammar = JsonSchemaGrammar.toolCall(TOOLS.subList(0, 2), new JsonSchemaGrammar.CallSyntax.JsonArray(), "", "");
        Schema weather = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(WEATHER);
        for (long seed = 1; seed <= 4; seed++) {
            ToolCallConstraint constraint = new ToolCallConstraint(grammar, vocabulary, "[TOOL_CALLS]");
            String calls = sampleCall(tokenizer, vocabulary, constraint, "Sure.[TOOL_CALLS]", seed);
            JsonNode parsed = JSON.readTree(calls);
            assertThat(parsed.isArray()).as(calls).isTrue();
            assertThat(parsed.size()).isPositive();
            for (JsonNode call : parsed) {
                assertThat(call.path("name").asText()).isIn("get_weather", "move");
                assertThat(call.size()).as("name and arguments only").isEqualTo(2);
                if (call.path("name").asText().equals("get_weather")) {
                    assertThat(weather.validate(call.path("arguments"))).as(calls).isEmpty();
                }
            }
            assertThat(constraint.inCall()).isFalse();
        }
    }

    @Test
    void mistralSmallCallsAreABareNameThenValidArguments() throws Exception {
        Tokenizer tokenizer = TokenMaskerTest.tokenizer(TokenMaskerTest.LLAMA3);
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
        Grammar grammar = JsonSchemaGrammar.toolCall(TOOLS.subList(0, 2), new JsonSchemaGrammar.CallSyntax.BareName("[ARGS]"),
                "", "");
        Schema move = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(MOVE);
        for (long seed = 1; seed <= 4; seed++) {
            ToolCallConstraint constraint = new ToolCallConstraint(grammar, vocabulary, "[TOOL_CALLS]");
            String call = sampleCall(tokenizer, vocabulary, constraint, "[TOOL_CALLS]", seed);
            assertThat(call).as(call).matches("(?s)(get_weather|move)\\[ARGS\\].*");
            String name = call.substring(0, call.indexOf("[ARGS]"));
            JsonNode arguments = JSON.readTree(call.substring(call.indexOf("[ARGS]") + "[ARGS]".length()));
            if (name.equals("move")) {
                assertThat(move.validate(arguments)).as(call).isEmpty();
            } else {
                assertThat(arguments.path("unit").asText()).isIn("C", "F");
            }
            assertThat(constraint.inCall()).isFalse();
        }
    }

    @Test
    void freeTextIsNeverMasked() {
        Tokenizer tokenizer = TokenMaskerTest.tokenizer(TokenMaskerTest.LLAMA3);
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
        ToolCallConstraint constraint = new ToolCallConstraint(
                JsonSchemaGrammar.toolCall(TOOLS, "arguments", "", "</tool_call>"), vocabulary, "<tool_call>");
        for (int token : tokenizer.encode("Plain text with <tool and call> but no opener.", false, false)) {
            float[] logits = new float[tokenizer.vocabularySize()];
            constraint.mask(logits);
            assertThat(logits).doesNotContain(Float.NEGATIVE_INFINITY);
            constraint.accept(token);
        }
        assertThat(constraint.inCall()).isFalse();
    }

    @Test
    void strictToolSchemasOutsideTheSubsetAreRefusedNamingTheTool() {
        assertThatThrownBy(() -> JsonSchemaGrammar.toolCall(List.of(new JsonSchemaGrammar.CallableTool("t",
                "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"maximum\":3}}}")), "arguments", "", ""))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
                    assertThat(e.keyword()).isEqualTo("maximum");
                    assertThat(e.pointer()).isEqualTo("tool t: /properties/n");
                });
    }

    /** Feeds a free prefix (as the model would write it), then samples from random logits until the call ends. */
    private static String sampleCall(Tokenizer tokenizer, TokenVocabulary vocabulary, ToolCallConstraint constraint,
                                     String prefix, long seed) {
        for (int token : tokenizer.encode(prefix, false, false)) {
            constraint.accept(token);
        }
        assertThat(constraint.inCall()).isTrue();
        return sampleRest(vocabulary, constraint, seed);
    }

    private static String sampleRest(TokenVocabulary vocabulary, ToolCallConstraint constraint, long seed) {
        GenerationOptions options = GenerationOptions.builder().temperature(1).topK(50).topP(1).minP(0).seed(seed).build();
        Sampler sampler = new Sampler(options, seed, constraint);
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int step = 0; step < 5000 && constraint.inCall(); step++) {
            float[] logits = new float[vocabulary.size()];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (random.nextDouble() * 4);
            }
            int token = sampler.sample(logits, new int[0], 0, 0);
            out.writeBytes(vocabulary.bytes(token));
        }
        assertThat(constraint.inCall()).as("the call ended within 5000 tokens").isFalse();
        return out.toString(StandardCharsets.UTF_8);
    }
}
