package dev.hearth.local.internal.grammar;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trie walk and the context-independent split give exactly the tokens whose bytes the automaton accepts one by one
 * from the same state, on real vocabularies (SentencePiece with byte fallback, Llama 3's 128k byte-level BPE).
 */
class TokenMaskerTest {
    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    static Tokenizer tokenizer(String relative) {
        return TOKENIZERS.computeIfAbsent(relative, path -> {
            try (GgufFile file = GgufFile.open(SharedModels.file(path))) {
                return Tokenizer.fromGguf(file.metadata());
            }
        });
    }

    static final String STORIES = "gguf/stories260K.gguf";
    static final String LLAMA3 = "llama.cpp-vocab/ggml-vocab-llama-bpe.gguf";

    @Test
    void everyPrefixOfASchemaDocumentOnTheStoriesVocabulary() {
        Grammar grammar = JsonSchemaGrammar.compile(JsonSchemaGrammarTest.PERSON);
        String doc = "{\"name\": \"Zoë \\\"Z\\\" \\u00e9 €\", \"age\": -17, \"email\": null, \"tags\": [\"a b\", \"\"]}";
        checkEveryPrefix(tokenizer(STORIES), grammar, doc, 1);
    }

    @Test
    void prefixesOfJsonGbnfDocumentOnTheLlama3Vocabulary() {
        Grammar grammar = GbnfParser.compile(GbnfParserTest.JSON_GBNF);
        String doc = "{\"key\": [1, 2.5, {\"nested\": \"ünïcode 😀 text\"}], \"flag\": true, \"n\": null}";
        checkEveryPrefix(tokenizer(LLAMA3), grammar, doc, 7);
    }

    @Test
    void prefixesOfARecursiveSchemaOnTheLlama3Vocabulary() {
        Grammar grammar = JsonSchemaGrammar.compile(JsonSchemaGrammarTest.TREE);
        String doc = "{\"value\": 1, \"children\": [{\"value\": 2.5, \"children\": []}]}";
        checkEveryPrefix(tokenizer(LLAMA3), grammar, doc, 9);
    }

    @Test
    void specialTokensAreNeverOfferedAndEndOfGenerationOnlyWhenComplete() {
        Tokenizer tokenizer = tokenizer(LLAMA3);
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
        Grammar grammar = GbnfParser.compile("root ::= \"<|begin_of_text|>\" | \"ab\" \"c\"?");
        Automaton automaton = new Automaton(grammar);
        TokenMasker masker = new TokenMasker(automaton, vocabulary);
        GrammarMatcher matcher = new GrammarMatcher(automaton);
        long[] mask = masker.newMask();

        masker.fill(matcher.state(), mask);
        assertThat(isSet(mask, 128000)).as("<|begin_of_text|> is special, whatever its text").isFalse();
        assertThat(isSet(mask, tokenizer.eosId())).isFalse();
        int lessThan = tokenizer.encode("<", false, false)[0];
        assertThat(isSet(mask, lessThan)).as("the literal text is spelled with ordinary tokens").isTrue();

        assertThat(matcher.accept("ab".getBytes(StandardCharsets.UTF_8))).isTrue();
        masker.fill(matcher.state(), mask);
        assertThat(isSet(mask, tokenizer.eosId())).isTrue();
        assertThat(isSet(mask, tokenizer.encode("c", false, false)[0])).isTrue();
        assertThat(matcher.accept("c".getBytes(StandardCharsets.UTF_8))).isTrue();
        masker.fill(matcher.state(), mask);
        for (int token = 0; token < vocabulary.size(); token++) {
            assertThat(isSet(mask, token)).as("token %d", token).isEqualTo(tokenizer.isEndOfGeneration(token));
        }
    }

    @Test
    void trieHoldsEveryTextTokenOnce() {
        Tokenizer tokenizer = tokenizer(LLAMA3);
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
        int text = 0;
        for (int id = 0; id < tokenizer.vocabularySize(); id++) {
            if (tokenizer.isText(id)) {
                text++;
            }
        }
        assertThat(vocabulary.sortedTokens).hasSize(text);
        assertThat(text).isGreaterThan(127_000);
        // the root's subtree holds every token, and a node's tokens share its path
        assertThat(vocabulary.tokensEnd[0]).isEqualTo(text);
        assertThat(vocabulary.subtreeEnd[0]).isEqualTo(vocabulary.nodeCount());
    }

    /**
     * At every {@code stride}-th byte offset of a valid document, the mask from the masker equals the set of text
     * tokens that a separate automaton (no trie, no cache) accepts byte by byte from the same prefix.
     */
    private static void checkEveryPrefix(Tokenizer tokenizer, Grammar grammar, String doc, int stride) {
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
        Automaton automaton = new Automaton(grammar);
        TokenMasker masker = new TokenMasker(automaton, vocabulary);
        GrammarMatcher matcher = new GrammarMatcher(automaton);
        long[] mask = masker.newMask();
        byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
        int checked = 0;
        int allowedSeen = 0;
        for (int offset = 0; offset <= bytes.length; offset++) {
            if (offset > 0) {
                assertThat(matcher.accept(new byte[] {bytes[offset - 1]})).isTrue();
            }
            if (offset % stride != 0 && offset != bytes.length) {
                continue;
            }
            masker.fill(matcher.state(), mask);
            // a separate automaton (its own memo), fed the prefix, then each token from that same state
            GrammarMatcher reference = new GrammarMatcher(grammar);
            assertThat(reference.accept(java.util.Arrays.copyOf(bytes, offset))).isTrue();
            Frame[] prefixState = reference.state();
            boolean complete = reference.isComplete();
            int allowed = 0;
            for (int token = 0; token < tokenizer.vocabularySize(); token++) {
                boolean expected;
                if (tokenizer.isEndOfGeneration(token)) {
                    expected = complete;
                } else if (!tokenizer.isText(token) || tokenizer.tokenBytes(token).length == 0) {
                    expected = false;
                } else {
                    reference.state(prefixState);
                    expected = reference.accept(tokenizer.tokenBytes(token));
                }
                assertThat(isSet(mask, token)).as("token %d (%s) after %d bytes", token, tokenizer.tokenText(token),
                        offset).isEqualTo(expected);
                if (expected) {
                    allowed++;
                }
            }
            assertThat(allowed).as("something is allowed after %d bytes", offset).isPositive();
            allowedSeen += allowed;
            checked++;
        }
        assertThat(checked).isGreaterThan(5);
        assertThat(allowedSeen).isGreaterThan(checked);
    }

    static boolean isSet(long[] mask, int token) {
        return (mask[token >>> 6] >>> token & 1) != 0;
    }
}
