package dev.hearth.local.internal.model;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgufMetadata;

import java.util.Locale;

/**
 * The hyper-parameters of a llama-family model, read from GGUF metadata keys prefixed by the architecture name
 * ({@code llama.embedding_length}, ...). Every value is checked for consistency here so the forward pass can trust it.
 *
 * @param ropeDimensions how many leading dimensions of each head RoPE rotates (the rest pass through)
 * @param ropePositionScale linear RoPE scaling: positions are multiplied by this (1 when the model is not scaled)
 */
public record LlamaConfig(String architecture, int embeddingLength, int layerCount, int headCount, int kvHeadCount,
                          int headDimension, int feedForwardLength, int trainedContextLength, float rmsNormEpsilon,
                          double ropeFrequencyBase, int ropeDimensions, double ropePositionScale, int vocabularySize) {

    /** The architectures this forward pass runs today; the engine-breadth work adds the others. */
    private static final java.util.Set<String> SUPPORTED = java.util.Set.of("llama");

    public static LlamaConfig from(GgufMetadata metadata, int vocabularySize) {
        String architecture = metadata.getString("general.architecture");
        if (!SUPPORTED.contains(architecture)) {
            throw new UnsupportedModelException("Model architecture '" + architecture + "' is not supported by the local engine yet (supported: "
                    + String.join(", ", SUPPORTED) + ").");
        }
        String p = architecture + ".";
        int embedding = metadata.getInt(p + "embedding_length", 1, 1 << 20);
        int layers = metadata.getInt(p + "block_count", 1, 4096);
        int heads = metadata.getInt(p + "attention.head_count", 1, 4096);
        int kvHeads = metadata.optionalInt(p + "attention.head_count_kv", 1, 4096).orElse(heads);
        if (heads % kvHeads != 0) {
            throw new ModelFormatException(p + "attention.head_count_kv", -1,
                    "head_count " + heads + " is not a multiple of head_count_kv " + kvHeads);
        }
        int headDimension = metadata.optionalInt(p + "attention.key_length", 1, 1 << 16).orElseGet(() -> {
            if (embedding % heads != 0) {
                throw new ModelFormatException(p + "embedding_length", -1,
                        "embedding_length " + embedding + " is not a multiple of head_count " + heads);
            }
            return embedding / heads;
        });
        int valueLength = metadata.optionalInt(p + "attention.value_length", 1, 1 << 16).orElse(headDimension);
        if (valueLength != headDimension) {
            throw new UnsupportedModelException("Attention value_length " + valueLength + " differs from key_length "
                    + headDimension + "; the local engine does not run such models yet.");
        }
        int feedForward = metadata.getInt(p + "feed_forward_length", 1, 1 << 24);
        int context = metadata.optionalInt(p + "context_length", 1, Integer.MAX_VALUE).orElse(2048);
        float epsilon = metadata.optionalFloat(p + "attention.layer_norm_rms_epsilon").orElse(1e-5f);
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new ModelFormatException(p + "attention.layer_norm_rms_epsilon", -1, "epsilon " + epsilon + " is not in (0, 1)");
        }
        double base = metadata.optionalFloat(p + "rope.freq_base").orElse(10000f);
        if (!(base > 1)) {
            throw new ModelFormatException(p + "rope.freq_base", -1, "RoPE base " + base + " must be > 1");
        }
        int ropeDimensions = metadata.optionalInt(p + "rope.dimension_count", 2, headDimension).orElse(headDimension);
        if (ropeDimensions % 2 != 0) {
            throw new ModelFormatException(p + "rope.dimension_count", -1, "RoPE dimension count " + ropeDimensions + " is odd");
        }
        double positionScale = ropePositionScale(metadata, p);
        return new LlamaConfig(architecture, embedding, layers, heads, kvHeads, headDimension, feedForward, context,
                epsilon, base, ropeDimensions, positionScale, vocabularySize);
    }

    private static double ropePositionScale(GgufMetadata metadata, String p) {
        String type = metadata.optionalString(p + "rope.scaling.type").orElse("none").toLowerCase(Locale.ROOT);
        float factor = metadata.optionalFloat(p + "rope.scaling.factor").orElse(0f);
        return switch (type) {
            case "none" -> 1.0;
            case "linear" -> factor > 0 ? 1.0 / factor : 1.0;
            default -> throw new UnsupportedModelException("RoPE scaling type '" + type + "' is not supported by the local engine yet.");
        };
    }

    /** Width of the key and value vectors across all KV heads. */
    public int kvDimension() {
        return kvHeadCount * headDimension;
    }

    /** Width of the query vector across all heads. */
    public int queryDimension() {
        return headCount * headDimension;
    }

    /** How many query heads share one KV head (grouped-query attention). */
    public int queriesPerKvHead() {
        return headCount / kvHeadCount;
    }
}
