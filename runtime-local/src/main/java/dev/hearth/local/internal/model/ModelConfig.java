package dev.hearth.local.internal.model;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.internal.gguf.MetadataArray;
import dev.hearth.local.internal.gguf.MetadataEntry;
import dev.hearth.local.internal.gguf.MetadataType;

import java.util.Locale;

/**
 * The hyper-parameters of a decoder-only transformer, read from GGUF metadata keys prefixed by the architecture name
 * ({@code qwen2.embedding_length}, ...) with llama.cpp's per-architecture defaults where a key is optional. Every
 * value is checked for consistency here so the forward pass can trust it.
 *
 * @param headDimension      width of one query/key/value head ({@code attention.key_length}); need not be
 *                           {@code embeddingLength / headCount} (qwen3, gemma3)
 * @param ropeDimensions     how many leading dimensions of each head RoPE rotates (the rest pass through)
 * @param rope               RoPE frequencies of global-attention layers
 * @param slidingRope        RoPE frequencies of sliding-window layers (equal to {@code rope} unless the model says
 *                           otherwise)
 * @param slidingWindow      which layers attend locally, and how far back
 * @param attentionScale     multiplies query·key before the softmax (usually 1/sqrt(headDimension))
 */
public record ModelConfig(Architecture architecture, ArchitectureFeatures features, int embeddingLength,
                          int layerCount, int headCount, int kvHeadCount, int headDimension, int feedForwardLength,
                          int trainedContextLength, float rmsNormEpsilon, int ropeDimensions, RopeParameters rope,
                          RopeParameters slidingRope, SlidingWindow slidingWindow, float attentionScale,
                          int vocabularySize) {

    /** Gemma's default global/local pattern when the file has no {@code attention.sliding_window_pattern}. */
    private static final int GEMMA2_DEFAULT_PATTERN = 2;
    private static final int GEMMA3_DEFAULT_PATTERN = 6;
    /** llama.cpp's defaults for keys older Gemma 2 conversions lack. */
    private static final int GEMMA2_DEFAULT_WINDOW = 4096;
    private static final float GEMMA2_DEFAULT_ATTENTION_CAP = 50f;
    private static final float GEMMA2_DEFAULT_FINAL_CAP = 30f;
    private static final double GEMMA3_DEFAULT_SLIDING_BASE = 10000;

    public static ModelConfig from(GgufMetadata metadata, int vocabularySize) {
        String name = metadata.getString("general.architecture");
        Architecture architecture = Architecture.fromGguf(name).orElseThrow(() -> new UnsupportedModelException(
                "Model architecture '" + name + "' is not supported by the local engine yet (supported: "
                        + Architecture.supportedNames() + ")."));
        String p = name + ".";
        int expertCount = metadata.optionalInt(p + "expert_count", 0, 1 << 16).orElse(0);
        if (expertCount > 0) {
            throw new UnsupportedModelException("Model is a mixture of experts (" + p + "expert_count " + expertCount
                    + "); the local engine runs dense models only.");
        }
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
        // 2^24 positions is beyond any model published (the longest declare about 10 million)
        int context = metadata.optionalInt(p + "context_length", 1, 1 << 24).orElse(2048);
        float epsilon = metadata.optionalFloat(p + "attention.layer_norm_rms_epsilon").orElse(1e-5f);
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new ModelFormatException(p + "attention.layer_norm_rms_epsilon", -1, "epsilon " + epsilon + " is not in (0, 1)");
        }
        int ropeDimensions = metadata.optionalInt(p + "rope.dimension_count", 2, headDimension).orElse(headDimension);
        if (ropeDimensions % 2 != 0) {
            throw new ModelFormatException(p + "rope.dimension_count", -1, "RoPE dimension count " + ropeDimensions + " is odd");
        }
        RopeParameters rope = new RopeParameters(ropeBase(metadata, p + "rope.freq_base", 10000),
                ropePositionScale(metadata, p));
        float defaultScale = (float) (1.0 / Math.sqrt(headDimension));
        float gemmaEmbeddingScale = (float) Math.sqrt(embedding);

        ArchitectureFeatures features = ArchitectureFeatures.llama();
        RopeParameters slidingRope = rope;
        SlidingWindow slidingWindow = SlidingWindow.NONE;
        float attentionScale = defaultScale;
        switch (architecture) {
            case LLAMA, MISTRAL -> {
                // the defaults above are the llama graph; Llama 3's rope_freqs factors are a tensor, found by the weights
            }
            case QWEN2 -> features = features.withNeoxRope().withRequiredAttentionBiases();
            case QWEN3 -> features = features.withNeoxRope().withQueryKeyNorms();
            // llama.cpp ignores phi3.attention.sliding_window: the converters wrote values that do not match how the
            // models were trained, and full attention is what the reference implementations compute.
            case PHI3 -> features = features.withNeoxRope().withFusedQkvAndGateUp();
            case GEMMA2 -> {
                features = features.withNeoxRope().withGemmaBlock(gemmaEmbeddingScale).withSoftCaps(
                        positive(metadata, p + "attn_logit_softcapping", GEMMA2_DEFAULT_ATTENTION_CAP),
                        positive(metadata, p + "final_logit_softcapping", GEMMA2_DEFAULT_FINAL_CAP));
                int window = metadata.optionalInt(p + "attention.sliding_window", 1, Integer.MAX_VALUE).orElse(GEMMA2_DEFAULT_WINDOW);
                slidingWindow = slidingWindow(metadata, p, window, GEMMA2_DEFAULT_PATTERN, layers);
                attentionScale = gemmaAttentionScale(layers, 46, embedding, heads, defaultScale);
            }
            case GEMMA3 -> {
                float finalCap = metadata.contains(p + "final_logit_softcapping")
                        ? positive(metadata, p + "final_logit_softcapping", 0f) : 0f;
                features = features.withNeoxRope().withGemmaBlock(gemmaEmbeddingScale).withQueryKeyNorms()
                        .withSoftCaps(0f, finalCap);
                int window = metadata.optionalInt(p + "attention.sliding_window", 0, Integer.MAX_VALUE).orElse(0);
                if (window > 0) {
                    slidingWindow = slidingWindow(metadata, p, window, GEMMA3_DEFAULT_PATTERN, layers);
                }
                // local layers keep a short-range base and are never position-scaled (as in llama.cpp)
                slidingRope = new RopeParameters(ropeBase(metadata, p + "rope.freq_base_swa", GEMMA3_DEFAULT_SLIDING_BASE), 1.0);
                attentionScale = gemmaAttentionScale(layers, 62, embedding, heads, defaultScale);
            }
        }
        return new ModelConfig(architecture, features, embedding, layers, heads, kvHeads, headDimension, feedForward,
                context, epsilon, ropeDimensions, rope, slidingRope, slidingWindow, attentionScale, vocabularySize);
    }

    /**
     * Gemma 27B models were trained with queries scaled by 1/sqrt(n_embd / n_head) rather than 1/sqrt(head_dim); GGUF
     * has no key for it, so (like llama.cpp) the 27B size is recognised by its layer count.
     */
    private static float gemmaAttentionScale(int layers, int layersOf27B, int embedding, int heads, float defaultScale) {
        return layers == layersOf27B ? (float) (1.0 / Math.sqrt((double) (embedding / heads))) : defaultScale;
    }

    private static float positive(GgufMetadata metadata, String key, float fallback) {
        float value = metadata.optionalFloat(key).orElse(fallback);
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new ModelFormatException(key, -1, "value " + value + " must be a finite number > 0");
        }
        return value;
    }

    private static double ropeBase(GgufMetadata metadata, String key, double fallback) {
        double base = metadata.optionalFloat(key).map(Float::doubleValue).orElse(fallback);
        if (!(base > 1) || Double.isInfinite(base)) {
            throw new ModelFormatException(key, -1, "RoPE base " + base + " must be a finite number > 1");
        }
        return base;
    }

    /**
     * {@code attention.sliding_window_pattern} is either a period (all but the last layer of each group slide) or,
     * in newer files, one bool per layer.
     */
    private static SlidingWindow slidingWindow(GgufMetadata metadata, String p, int window, int defaultPattern, int layers) {
        String key = p + "attention.sliding_window_pattern";
        MetadataEntry entry = metadata.entry(key).orElse(null);
        if (entry != null && entry.type() == MetadataType.ARRAY) {
            MetadataArray array = (MetadataArray) entry.value();
            if (array.elementType() != MetadataType.BOOL || array.length() != layers) {
                throw new ModelFormatException(key, entry.offset(), "expected " + layers
                        + " bools (one per layer) but found " + array);
            }
            return SlidingWindow.of(window, (boolean[]) array.elements());
        }
        int pattern = metadata.optionalInt(key, 1, 1 << 16).orElse(defaultPattern);
        return SlidingWindow.everyLayerButLastOf(pattern, window, layers);
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

    /** The RoPE frequencies {@code layer} uses. */
    public RopeParameters ropeFor(int layer) {
        return slidingWindow.slides(layer) ? slidingRope : rope;
    }
}
