package dev.hearth.local.internal.grammar;

import dev.hearth.api.ResponseFormat;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import dev.hearth.local.testing.SharedModels;

import java.util.Arrays;
import java.util.Random;

/**
 * Measures what constrained decoding adds per token on the 128k-token Llama 3 vocabulary: the mask (trie walk or
 * cached sets), applying it to a logits array, and advancing by the chosen token. It replays the tokens of a valid
 * document (as a model would emit them) through a fresh constraint, once cold (first request for a grammar: every
 * grammar position classified on first use) and then again warm. Run it under the bench lock:
 * <pre>flock /tmp/hearth-bench.lock java ... dev.hearth.local.internal.grammar.MaskTimeMain</pre>
 */
public final class MaskTimeMain {
    private MaskTimeMain() {
    }

    public static void main(String[] args) {
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(SharedModels.file("llama.cpp-vocab/ggml-vocab-llama-bpe.gguf"))) {
            tokenizer = Tokenizer.fromGguf(file.metadata());
        }
        long t0 = System.nanoTime();
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
        System.out.printf("vocabulary: %s, built in %.1f ms%n", vocabulary, (System.nanoTime() - t0) / 1e6);

        String schema = ConstrainedDocuments.SCHEMA;
        String document = ConstrainedDocuments.DOCUMENT;
        run("json_schema", ResponseFormat.jsonSchema("order", schema, true), tokenizer, vocabulary, document);
        run("json_object", ResponseFormat.json(), tokenizer, vocabulary, document);
        run("gbnf json", ResponseFormat.grammar(GbnfParserTest.JSON_GBNF), tokenizer, vocabulary, document);
    }

    private static void run(String label, ResponseFormat format, Tokenizer tokenizer, TokenVocabulary vocabulary,
                            String document) {
        int[] tokens = tokenizer.encode(document, false, false);
        float[] logits = new float[tokenizer.vocabularySize()];
        Random random = new Random(1);
        for (int round = 0; round < 4; round++) {
            long compileStart = System.nanoTime();
            GrammarConstraint constraint = new GrammarConstraint(GrammarConstraint.compile(format), vocabulary);
            long compileNanos = System.nanoTime() - compileStart;
            long[] perToken = new long[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                for (int t = 0; t < logits.length; t += 97) {
                    logits[t] = random.nextFloat();
                }
                long start = System.nanoTime();
                constraint.mask(logits);
                if (logits[tokens[i]] == Float.NEGATIVE_INFINITY) {
                    throw new AssertionError("token " + i + " of the document was masked");
                }
                constraint.accept(tokens[i]);
                perToken[i] = System.nanoTime() - start;
                Arrays.fill(logits, 0f);
            }
            if (!constraint.isComplete()) {
                throw new AssertionError("document did not complete the grammar");
            }
            long[] sorted = perToken.clone();
            Arrays.sort(sorted);
            double mean = Arrays.stream(perToken).average().orElse(0) / 1e6;
            System.out.printf("%-12s round %d (%s): %d tokens, compile %.2f ms, per token mean %.3f ms, p50 %.3f ms, "
                            + "p90 %.3f ms, p99 %.3f ms, max %.3f ms%n", label, round,
                    round == 0 ? "cold" : "warm JIT, fresh constraint", tokens.length, compileNanos / 1e6, mean,
                    sorted[sorted.length / 2] / 1e6, sorted[sorted.length * 9 / 10] / 1e6,
                    sorted[Math.min(sorted.length - 1, sorted.length * 99 / 100)] / 1e6, sorted[sorted.length - 1] / 1e6);
        }
    }
}
