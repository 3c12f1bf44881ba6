package dev.hearth.local.internal.grammar;

import org.junit.jupiter.api.Test;

import static dev.hearth.local.internal.grammar.GrammarMatcher.isPrefix;
import static dev.hearth.local.internal.grammar.GrammarMatcher.matches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GbnfParserTest {
    /**
     * A JSON grammar in the style of llama.cpp's grammars/json.gbnf (written here, not copied): multi-line groups,
     * comments after alternatives, a class running to U+10FFFF, escapes, and a right-recursive whitespace rule.
     */
    static final String JSON_GBNF = """
            # JSON, like llama.cpp's example grammar
            root   ::= object
            value  ::= object | array | string | number | ("true" | "false" | "null") ws

            object ::=
              "{" ws (
                        string ":" ws value
                ("," ws string ":" ws value)*
              )? "}" ws

            array  ::=
              "[" ws (
                        value
                ("," ws value)*
              )? "]" ws

            string ::=
              "\\"" (
                [\\x20\\x21\\x23-\\x5b\\x5d-\\U0010FFFF] | # anything but " and \\
                "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4}) # escapes
              )* "\\"" ws

            number ::= "-"? ([0-9] | [1-9] [0-9]*) ("." [0-9]+)? ([eE] [-+]? [0-9]+)? ws
            ws ::= ([ \\t\\n] ws)?
            """;

    static final String ARITHMETIC = """
            root  ::= expr
            expr  ::= term (("+" | "-") term)*
            term  ::= factor (("*" | "/") factor)*
            factor ::= number | "(" expr ")" | "-" factor
            number ::= [0-9]+ ("." [0-9]{1,3})?
            """;

    @Test
    void jsonGrammarAcceptsJsonAndRejectsTheRest() {
        Grammar json = GbnfParser.compile(JSON_GBNF);
        assertThat(matches(json, "{}")).isTrue();
        assertThat(matches(json, "{\"a\": [1, 2.5e-3, true, null, \"x\\n\\u00e9\"], \"b\": {\"c\": \"ünï €𝄞\"}}"))
                .isTrue();
        assertThat(matches(json, "{\"a\": 1,}")).isFalse();
        assertThat(matches(json, "{\"a\" 1}")).isFalse();
        assertThat(matches(json, "{\"a\": \"unterminated}")).isFalse();
        assertThat(matches(json, "[1]")).isFalse(); // root is an object
        assertThat(matches(json, "{\"tab\": \"a\tb\"}")).isFalse(); // control characters must be escaped
        assertThat(isPrefix(json, "{\"a\": [1, 2")).isTrue();
        assertThat(isPrefix(json, "{\"a\": [1, 2]]")).isFalse();
    }

    @Test
    void multiByteCharactersAreMatchedBytewise() {
        Grammar json = GbnfParser.compile(JSON_GBNF);
        byte[] euro = "€".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        GrammarMatcher matcher = new GrammarMatcher(json);
        assertThat(matcher.accept("{\"k\": \"".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        for (byte b : euro) {
            assertThat(matcher.accept(new byte[] {b})).isTrue();
        }
        assertThat(matcher.accept(new byte[] {(byte) 0xC0})).isFalse(); // never valid in UTF-8
        assertThat(matcher.accept(new byte[] {(byte) 0xED, (byte) 0xA0})).isFalse(); // a surrogate
        assertThat(matcher.accept("\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        assertThat(matcher.isComplete()).isTrue();
    }

    @Test
    void arithmeticGrammar() {
        Grammar arithmetic = GbnfParser.compile(ARITHMETIC);
        assertThat(matches(arithmetic, "1+2*(3-4.25)/-5")).isTrue();
        assertThat(matches(arithmetic, "((7))")).isTrue();
        assertThat(matches(arithmetic, "1+")).isFalse();
        assertThat(matches(arithmetic, "1.2345")).isFalse(); // at most three decimals
        assertThat(matches(arithmetic, "(1")).isFalse();
        assertThat(isPrefix(arithmetic, "(1")).isTrue();
    }

    @Test
    void repetitionBounds() {
        Grammar g = GbnfParser.compile("root ::= \"a\"{2,4} \"b\"{3} \"c\"{,1} \"d\"{1,}");
        assertThat(matches(g, "aabbbd")).isTrue();
        assertThat(matches(g, "aaaabbbcddd")).isTrue();
        assertThat(matches(g, "abbbd")).isFalse();
        assertThat(matches(g, "aaaaabbbd")).isFalse();
        assertThat(matches(g, "aabbd")).isFalse();
        assertThat(matches(g, "aabbbccd")).isFalse();
        assertThat(matches(g, "aabbb")).isFalse();
    }

    @Test
    void characterClassesWithNegationRangesAndEscapes() {
        Grammar g = GbnfParser.compile("root ::= [^a-c\\n] [x-z\\-] [\\u00e0-\\u00ff] .");
        assertThat(matches(g, "d-é😀")).isTrue();
        assertThat(matches(g, "dyàq")).isTrue();
        assertThat(matches(g, "b-éq")).isFalse();
        assertThat(matches(g, "\n-éq")).isFalse();
        assertThat(matches(g, "dwéq")).isFalse();
        assertThat(matches(g, "d-Āq")).isFalse(); // U+0100 is above the range
    }

    @Test
    void literalEscapes() {
        Grammar g = GbnfParser.compile("root ::= \"\\x41\\u00e9\\U0001F600\\t\\\"\\\\\"");
        assertThat(matches(g, "Aé😀\t\"\\")).isTrue();
    }

    @Test
    void alternativesMayContinueOnLinesStartingWithABar() {
        Grammar g = GbnfParser.compile("""
                root ::= "a"
                       | "b"  # comment
                       | "c"
                """);
        assertThat(matches(g, "b")).isTrue();
        assertThat(matches(g, "c")).isTrue();
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> GbnfParser.compile("root ::= \"a\"\nfoo ::= [a-"))
                .isInstanceOfSatisfying(GbnfSyntaxException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(9);
                    assertThat(e).hasMessageContaining("unterminated character class");
                });
        assertThatThrownBy(() -> GbnfParser.compile("root ::= thing"))
                .isInstanceOfSatisfying(GbnfSyntaxException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(10);
                    assertThat(e).hasMessageContaining("'thing' is used but never defined");
                });
        assertThatThrownBy(() -> GbnfParser.compile("root ::= \"a\" )"))
                .isInstanceOfSatisfying(GbnfSyntaxException.class, e -> assertThat(e.column()).isEqualTo(14));
        assertThatThrownBy(() -> GbnfParser.compile("root = \"a\""))
                .isInstanceOf(GbnfSyntaxException.class).hasMessageContaining("expected '::='");
        assertThatThrownBy(() -> GbnfParser.compile("start ::= \"a\""))
                .isInstanceOf(GbnfSyntaxException.class).hasMessageContaining("no 'root' rule");
        assertThatThrownBy(() -> GbnfParser.compile("root ::= \"a\"{3,2}"))
                .isInstanceOf(GbnfSyntaxException.class).hasMessageContaining("maximum below its minimum");
        assertThatThrownBy(() -> GbnfParser.compile("root ::= \"\\q\""))
                .isInstanceOfSatisfying(GbnfSyntaxException.class, e -> assertThat(e.column()).isEqualTo(11));
        assertThatThrownBy(() -> GbnfParser.compile("root ::= \"a\"\nroot ::= \"b\""))
                .isInstanceOf(GbnfSyntaxException.class).hasMessageContaining("defined twice");
    }

    @Test
    void leftRecursionIsRefused() {
        assertThatThrownBy(() -> GbnfParser.compile("root ::= root \"a\" | \"b\""))
                .isInstanceOf(GrammarException.class).hasMessageContaining("left recursion: root -> root");
        assertThatThrownBy(() -> GbnfParser.compile("root ::= x? root \"a\" | \"b\"\nx ::= \"x\""))
                .isInstanceOf(GrammarException.class).hasMessageContaining("left recursion");
    }

    @Test
    void hugeRepetitionIsRefused() {
        assertThatThrownBy(() -> GbnfParser.compile("root ::= (\"a\"{9999}){9999}"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("expands to more than");
    }
}
