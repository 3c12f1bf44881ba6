package dev.hearth.local.internal.grammar;

import dev.hearth.api.ResponseFormat;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Constrained decoding's cost on Llama 3's 128k-token vocabulary: one operation replays the 138 tokens of a valid
 * order document through a fresh {@link GrammarConstraint} (mask the logits, then advance by the token), as a
 * generation would; divide by 138 for the cost per token. The grammar is compiled once, so its per-position token sets
 * are warm, as for every request after the first with the same schema. Needs {@code ../shared/models} (or
 * {@code -Dhearth.shared.models=DIR}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GrammarMaskBenchmark {
    static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "customer": {"type": "object",
                            "properties": {"name": {"type": "string"}, "email": {"type": ["string", "null"]},
                                           "vip": {"type": "boolean"}},
                            "required": ["name", "vip"], "additionalProperties": false},
               "items": {"type": "array",
                         "items": {"type": "object",
                                   "properties": {"sku": {"type": "string"}, "count": {"type": "integer"},
                                                  "price": {"type": "number"}},
                                   "required": ["sku", "count", "price"], "additionalProperties": false}},
               "note": {"type": "string"},
               "status": {"enum": ["open", "paid", "shipped"]}
             },
             "required": ["customer", "items", "note", "status"],
             "additionalProperties": false}
            """;

    static final String DOCUMENT = """
            {"customer": {"name": "Zoë Ångström", "email": "zoe@example.org", "vip": true},
             "items": [{"sku": "apple-123", "count": 4, "price": 0.25},
                       {"sku": "pear-9", "count": 12, "price": 1.5e1},
                       {"sku": "fig \\"dried\\"", "count": 1, "price": 3}],
             "note": "Leave the parcel by the blue door, next to the bicycle; ring twice and wait a minute. Merci! 🚲",
             "status": "paid"}""";

    @Param({"json_schema", "json_object"})
    public String format;

    private TokenVocabulary vocabulary;
    private Grammar grammar;
    private int[] tokens;
    private float[] logits;

    @Setup(Level.Trial)
    public void load() {
        Path models = Path.of(System.getProperty("hearth.shared.models", "../shared/models"));
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(models.resolve("llama.cpp-vocab/ggml-vocab-llama-bpe.gguf"))) {
            tokenizer = Tokenizer.fromGguf(file.metadata());
        }
        vocabulary = TokenVocabulary.of(tokenizer);
        grammar = GrammarConstraint.compile(format.equals("json_schema")
                ? ResponseFormat.jsonSchema("order", SCHEMA, true) : ResponseFormat.json());
        tokens = tokenizer.encode(DOCUMENT, false, false);
        logits = new float[tokenizer.vocabularySize()];
    }

    @Benchmark
    public boolean replayDocument() {
        GrammarConstraint constraint = new GrammarConstraint(grammar, vocabulary);
        for (int token : tokens) {
            constraint.mask(logits);
            constraint.accept(token);
        }
        return constraint.isComplete();
    }
}
