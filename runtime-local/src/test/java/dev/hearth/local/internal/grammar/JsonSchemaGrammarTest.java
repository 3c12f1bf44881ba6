package dev.hearth.local.internal.grammar;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.hearth.local.internal.grammar.GrammarMatcher.isPrefix;
import static dev.hearth.local.internal.grammar.GrammarMatcher.matches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonSchemaGrammarTest {
    static final String PERSON = """
            {"type": "object",
             "properties": {
               "name": {"type": "string"},
               "age": {"type": "integer"},
               "email": {"type": ["string", "null"]},
               "role": {"enum": ["admin", "user", 3]},
               "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}
             },
             "required": ["name", "age"],
             "additionalProperties": false}
            """;

    static final String TREE = """
            {"$ref": "#/$defs/node",
             "$defs": {
               "node": {"type": "object",
                        "properties": {"value": {"type": "number"},
                                       "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                        "required": ["value", "children"], "additionalProperties": false}}}
            """;

    @Test
    void stringLengthsCountCharactersNotBytes() {
        Grammar g = JsonSchemaGrammar.compile("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}");
        assertThat(matches(g, "\"ab\"")).isTrue();
        assertThat(matches(g, "\"東京駅\"")).isTrue(); // three characters, nine bytes
        assertThat(matches(g, "\"a\\n\"")).isTrue(); // an escape is one character
        assertThat(matches(g, "\"a\"")).isFalse();
        assertThat(matches(g, "\"abcd\"")).isFalse();
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"type\":\"string\",\"minLength\":3,\"maxLength\":2}"))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("maxLength");
    }

    @Test
    void objectWithRequiredAndOptionalPropertiesInOrder() {
        Grammar g = JsonSchemaGrammar.compile(PERSON);
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":41}")).isTrue();
        assertThat(matches(g, "{ \"name\": \"Ann\", \"age\": -3, \"email\": null, \"role\": 3, \"tags\": [\"a\", \"b\"] }"))
                .isTrue();
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":41,\"role\":\"user\"}")).isTrue();
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":41,\"email\":\"a@b\"}")).isTrue();
        assertThat(matches(g, "{\"name\":\"Ann\"}")).isFalse(); // age is required
        assertThat(matches(g, "{\"age\":41,\"name\":\"Ann\"}")).isFalse(); // declared order
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":4.5}")).isFalse(); // integer
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":041}")).isFalse();
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":41,\"role\":\"root\"}")).isFalse();
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":41,\"tags\":[\"a\",\"b\",\"c\"]}")).isFalse();
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":41,\"extra\":1}")).isFalse();
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":41,}")).isFalse();
        assertThat(matches(g, "{\"name\":\"Ann\",\"age\":41} ")).isFalse(); // nothing after the value
    }

    @Test
    void everyPrefixOfAValidDocumentIsAPrefixAndAWrongByteIsNot() {
        Grammar g = JsonSchemaGrammar.compile(PERSON);
        byte[] doc = "{\"name\": \"Zoë \\\"Z\\\" \\u00e9\", \"age\": 7, \"tags\": []}".getBytes(StandardCharsets.UTF_8);
        GrammarMatcher matcher = new GrammarMatcher(g);
        for (int i = 0; i < doc.length; i++) {
            assertThat(matcher.isComplete()).as("complete after %d bytes", i).isFalse();
            assertThat(matcher.accept(new byte[] {'\u0001'})).as("control byte after %d bytes", i).isFalse();
            assertThat(matcher.accept(new byte[] {doc[i]})).as("byte %d", i).isTrue();
        }
        assertThat(matcher.isComplete()).isTrue();
        assertThat(matcher.canContinue()).isFalse();
    }

    @Test
    void recursiveDefinitions() {
        Grammar g = JsonSchemaGrammar.compile(TREE);
        assertThat(matches(g, "{\"value\":1,\"children\":[{\"value\":2.5,\"children\":[]},"
                + "{\"value\":3e2,\"children\":[{\"value\":-4,\"children\":[]}]}]}")).isTrue();
        assertThat(matches(g, "{\"value\":1,\"children\":[{\"value\":2}]}")).isFalse();
    }

    @Test
    void rootReferenceAndAnyOfAndConst() {
        Grammar g = JsonSchemaGrammar.compile("""
                {"anyOf": [{"type": "object", "properties": {"next": {"$ref": "#"}}},
                           {"const": {"end": [1, "two"]}},
                           {"type": "boolean"}]}
                """);
        assertThat(matches(g, "{\"next\":{\"next\":true}}")).isTrue();
        assertThat(matches(g, "{\"end\":[1,\"two\"]}")).isTrue();
        assertThat(matches(g, "{}")).isTrue();
        assertThat(matches(g, "{\"end\":[1,\"three\"]}")).isFalse();
        assertThat(matches(g, "null")).isFalse();
    }

    @Test
    void numbersAndUnconstrainedValues() {
        Grammar g = JsonSchemaGrammar.compile("""
                {"type": "object", "properties": {"n": {"type": "number"}, "any": {}, "list": {"type": "array"},
                 "obj": {"type": "object"}, "empty": {"type": "object", "additionalProperties": false}},
                 "required": ["n", "any", "list", "obj", "empty"]}
                """);
        assertThat(matches(g, "{\"n\":-0.5e+10,\"any\":[{\"x\":null}],\"list\":[1,\"a\"],\"obj\":{\"k\":{}},\"empty\":{}}"))
                .isTrue();
        assertThat(matches(g, "{\"n\":.5,\"any\":1,\"list\":[],\"obj\":{},\"empty\":{}}")).isFalse();
        assertThat(matches(g, "{\"n\":1,\"any\":1,\"list\":[],\"obj\":{},\"empty\":{\"a\":1}}")).isFalse();
    }

    @Test
    void minItems() {
        Grammar g = JsonSchemaGrammar.compile("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":2,\"maxItems\":3}");
        assertThat(matches(g, "[1,2]")).isTrue();
        assertThat(matches(g, "[1, 2, 3]")).isTrue();
        assertThat(matches(g, "[1]")).isFalse();
        assertThat(matches(g, "[1,2,3,4]")).isFalse();
    }

    @Test
    void anyObject() {
        Grammar g = JsonSchemaGrammar.anyObject();
        assertThat(matches(g, "{\"a\": [1, {\"b\": \"c\"}]}")).isTrue();
        assertThat(matches(g, "[1]")).isFalse();
        assertThat(isPrefix(g, "{\"a\": [1, {\"b\"")).isTrue();
    }

    @Test
    void unsupportedKeywordsAreRefusedWithTheirPointer() {
        assertThatThrownBy(() -> JsonSchemaGrammar.compile(
                "{\"type\":\"object\",\"properties\":{\"a/b\":{\"type\":\"integer\",\"minimum\":3}}}"))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
                    assertThat(e.keyword()).isEqualTo("minimum");
                    assertThat(e.pointer()).isEqualTo("/properties/a~1b");
                });
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"type\":\"string\",\"pattern\":\"^a\"}"))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
                    assertThat(e.keyword()).isEqualTo("pattern");
                    assertThat(e.pointer()).isEmpty();
                });
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"type\":\"object\",\"additionalProperties\":true}"))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class,
                        e -> assertThat(e.keyword()).isEqualTo("additionalProperties"));
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"$ref\":\"https://example.com/s.json\"}"))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> assertThat(e.keyword()).isEqualTo("$ref"));
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"$ref\":\"#/$defs/missing\"}"))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("points to nothing");
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"anyOf\":[{\"type\":\"string\"},{\"oneOf\":[]}]}"))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
                    assertThat(e.keyword()).isEqualTo("oneOf");
                    assertThat(e.pointer()).isEqualTo("/anyOf/1");
                });
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"properties\":{\"a\":{}},\"required\":[\"b\"]}"))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> assertThat(e.keyword()).isEqualTo("required"));
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"type\":\"strin\"}"))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("unknown type 'strin'");
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{not json"))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> JsonSchemaGrammar.compile("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("left recursion");
    }
}
