package dev.hearth.local.onnx;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.RuntimeSpec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open an ONNX decoder language model: where it is, ONNX Runtime's intra-op threads and the context length.
 * Setters reject bad values at once, naming them.
 */
public final class OnnxModelSpec implements RuntimeSpec {
    public static final String PROVIDER = "onnx";

    private final Path path;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int contextLength;

    OnnxModelSpec(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    /** ONNX Runtime intra-op threads (the threads one operator may use); defaults to the available processors. */
    public OnnxModelSpec threads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new ConfigurationException("threads must be between 1 and 1024, was " + threads);
        }
        this.threads = threads;
        return this;
    }

    /**
     * Tokens of context (prompt plus answer); defaults to what the model's configuration declares, and must be given
     * when it declares nothing.
     */
    public OnnxModelSpec contextLength(int contextLength) {
        if (contextLength < 1) {
            throw new ConfigurationException("contextLength must be at least 1, was " + contextLength);
        }
        this.contextLength = contextLength;
        return this;
    }

    public Path path() {
        return path;
    }

    public int threads() {
        return threads;
    }

    /** The configured context length, or 0 for the model's own. */
    public int contextLength() {
        return contextLength;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String toString() {
        return "Onnx.model(" + path + ").threads(" + threads + ")" + (contextLength > 0 ? ".contextLength(" + contextLength + ")" : "");
    }
}
