package dev.hearth.local.internal.grammar;

import dev.hearth.api.ResponseFormat;
import dev.hearth.local.internal.sampling.TokenConstraint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps one generation inside a grammar: before each token it masks every token whose bytes would leave the grammar
 * (and every special token; end-of-generation tokens only once the text is a complete match), and after it advances
 * the automaton by the chosen token's bytes. One per generation; not thread-safe.
 */
public final class GrammarConstraint implements TokenConstraint {
    private static final int COMPILED_CACHE = 32;
    /** Compiled grammars by response format: agents resend the same schema with every turn. */
    private static final Map<ResponseFormat, Grammar> COMPILED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ResponseFormat, Grammar> eldest) {
            return size() > COMPILED_CACHE;
        }
    };

    private final TokenVocabulary vocabulary;
    private final GrammarMatcher matcher;
    private final TokenMasker masker;
    private final long[] mask;
    private boolean ended;

    public GrammarConstraint(Grammar grammar, TokenVocabulary vocabulary) {
        Automaton automaton = new Automaton(grammar);
        this.vocabulary = vocabulary;
        this.matcher = new GrammarMatcher(automaton);
        this.masker = new TokenMasker(automaton, vocabulary);
        this.mask = masker.newMask();
    }

    /**
     * The grammar a response format asks for (compiled once and cached).
     *
     * @throws GrammarException if the schema or grammar cannot be compiled; the message says where
     */
    public static Grammar compile(ResponseFormat format) {
        synchronized (COMPILED) {
            Grammar cached = COMPILED.get(format);
            if (cached != null) {
                return cached;
            }
        }
        Grammar grammar = switch (format) {
            case ResponseFormat.JsonObject ignored -> JsonSchemaGrammar.anyObject();
            case ResponseFormat.JsonSchema schema -> JsonSchemaGrammar.compile(schema.schema());
            case ResponseFormat.Grammar gbnf -> GbnfParser.compile(gbnf.gbnf());
            case ResponseFormat.Text ignored -> throw new IllegalArgumentException("free text has no grammar");
        };
        synchronized (COMPILED) {
            COMPILED.put(format, grammar);
        }
        return grammar;
    }

    @Override
    public void mask(float[] logits) {
        masker.fill(matcher.state(), mask);
        boolean any = false;
        for (int word = 0; word < mask.length; word++) {
            long bits = mask[word];
            any |= bits != 0;
            int base = word << 6;
            int end = Math.min(64, logits.length - base);
            if (bits == -1L && end == 64) {
                continue;
            }
            for (int bit = 0; bit < end; bit++) {
                if ((bits >>> bit & 1) == 0) {
                    logits[base + bit] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        // logits past the vocabulary (padded output rows) are never text
        for (int token = mask.length << 6; token < logits.length; token++) {
            logits[token] = Float.NEGATIVE_INFINITY;
        }
        if (!any) {
            throw new GrammarException("no token of this model's vocabulary can continue the grammar here; "
                    + "the grammar needs bytes the vocabulary cannot spell");
        }
    }

    @Override
    public void accept(int token) {
        if (ended) {
            throw new IllegalStateException("the grammar already ended the generation");
        }
        if (vocabulary.isEndOfGeneration(token)) {
            if (!matcher.isComplete()) {
                throw new IllegalStateException("token " + token + " ends the generation before the grammar is complete");
            }
            ended = true;
            return;
        }
        byte[] bytes = vocabulary.bytes(token);
        if (bytes == null || !matcher.accept(bytes)) {
            throw new IllegalStateException("token " + token + " leaves the grammar; the sampler must pick masked tokens only");
        }
    }

    /** Reads bytes that were generated before this constraint applied; false (and nothing read) if they leave it. */
    boolean acceptBytes(byte[] bytes) {
        return matcher.accept(bytes);
    }

    /** Whether the text so far is a complete match that no further byte can extend. */
    @Override
    public boolean isFinished() {
        return ended || matcher.isComplete() && !matcher.canContinue();
    }

    /** Whether the text so far is a complete match. */
    public boolean isComplete() {
        return matcher.isComplete();
    }
}
