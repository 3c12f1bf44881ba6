package dev.hearth.local.onnx;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.RuntimeSpec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to open an ONNX sentence-embedding model: its files (or the built-in all-MiniLM-L6-v2), ONNX Runtime's
 * intra-op threads, how many texts go through the model at once, the token limit per text and whether vectors are
 * L2-normalised. Setters reject bad values at once, naming them.
 */
public final class OnnxEmbeddingSpec implements RuntimeSpec {
    /** The name under which the built-in all-MiniLM-L6-v2 is served (and accepted as the {@code model} setting). */
    public static final String ALL_MINILM_L6_V2 = "all-minilm-l6-v2";

    private final Path modelFile;
    private final Path tokenizerJson;
    private int threads = Runtime.getRuntime().availableProcessors();
    // 1: a quantized model (DynamicQuantizeLinear) scales activations over the whole batch, so batching would make a
    // text's vector depend on its neighbours; callers who prefer throughput opt in with batchSize(n)
    private int batchSize = 1;
    private int maxTokens;
    private boolean normalize = true;

    private OnnxEmbeddingSpec(Path modelFile, Path tokenizerJson) {
        this.modelFile = modelFile;
        this.tokenizerJson = tokenizerJson;
    }

    static OnnxEmbeddingSpec fromFiles(Path modelFile, Path tokenizerJson) {
        return new OnnxEmbeddingSpec(Objects.requireNonNull(modelFile, "modelFile"),
                Objects.requireNonNull(tokenizerJson, "tokenizerJson"));
    }

    static OnnxEmbeddingSpec allMiniLmL6V2() {
        return new OnnxEmbeddingSpec(null, null);
    }

    /** ONNX Runtime intra-op threads; defaults to the available processors. */
    public OnnxEmbeddingSpec threads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new ConfigurationException("threads must be between 1 and 1024, was " + threads);
        }
        this.threads = threads;
        return this;
    }

    /**
     * Texts run through the model together (sorted by length, padded to the longest of a batch); defaults to 1.
     * Dynamically quantized models, such as the built-in all-MiniLM-L6-v2, compute activation ranges over the whole
     * batch, so with larger batches a text's vector shifts slightly with its neighbours (cosine 0.97-0.99 to the vector
     * computed alone) in exchange for about 3x the throughput.
     */
    public OnnxEmbeddingSpec batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > 4096) {
            throw new ConfigurationException("batchSize must be between 1 and 4096, was " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /**
     * Tokens per text, special tokens included; longer texts are truncated (and {@code Usage} counts what was
     * used). Defaults to the truncation in {@code tokenizer.json}, or 512.
     */
    public OnnxEmbeddingSpec maxTokens(int maxTokens) {
        if (maxTokens < 2) {
            throw new ConfigurationException("maxTokens must be at least 2 (room for the special tokens), was " + maxTokens);
        }
        this.maxTokens = maxTokens;
        return this;
    }

    /** Whether vectors are scaled to unit length (the default, as sentence-transformers does for this family). */
    public OnnxEmbeddingSpec normalize(boolean normalize) {
        this.normalize = normalize;
        return this;
    }

    /** The model file, or empty for the built-in all-MiniLM-L6-v2. */
    public Optional<Path> modelFile() {
        return Optional.ofNullable(modelFile);
    }

    /** The tokenizer file, or empty for the built-in all-MiniLM-L6-v2. */
    public Optional<Path> tokenizerJson() {
        return Optional.ofNullable(tokenizerJson);
    }

    public int threads() {
        return threads;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The configured token limit, or 0 for the tokenizer's own. */
    public int maxTokens() {
        return maxTokens;
    }

    public boolean normalize() {
        return normalize;
    }

    @Override
    public String provider() {
        return OnnxModelSpec.PROVIDER;
    }

    @Override
    public String toString() {
        String source = modelFile == null ? "Onnx.allMiniLmL6V2()" : "Onnx.embeddingModel(" + modelFile + ", " + tokenizerJson + ")";
        return source + ".threads(" + threads + ").batchSize(" + batchSize + ")"
                + (maxTokens > 0 ? ".maxTokens(" + maxTokens + ")" : "") + (normalize ? "" : ".normalize(false)");
    }
}
