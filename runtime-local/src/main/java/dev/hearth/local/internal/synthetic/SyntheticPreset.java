package dev.hearth.local.internal.synthetic;

import dev.hearth.api.ConfigurationException;
import dev.hearth.local.internal.model.Architecture;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Named shapes of real models, for benchmarks that need the real model's size and cost without its weights. */
public enum SyntheticPreset {
    /**
     * Llama 3.2 1B: n_embd 2048, 16 layers, 32 heads, 8 KV heads (head 64), n_ff 8192, vocabulary 128256, tied output,
     * RoPE base 500000 with Llama 3 scaling, context 131072.
     */
    LLAMA_3_2_1B("llama-3.2-1b", Architecture.LLAMA, 2048, 16, 32, 8, 8192, 128256, 131072, true, 500_000),
    /** Qwen 2.5 0.5B: n_embd 896, 24 layers, 14 heads, 2 KV heads (head 64), n_ff 4864, vocabulary 151936, tied. */
    QWEN2_5_0_5B("qwen2.5-0.5b", Architecture.QWEN2, 896, 24, 14, 2, 4864, 151936, 32768, true, 1_000_000),
    /** A small llama (n_embd 256, 4 layers) for quick runs: a few MiB in any format. */
    TINY_LLAMA("tiny-llama", Architecture.LLAMA, 256, 4, 8, 4, 768, 0, 4096, false, 10_000);

    private final String id;
    private final Architecture architecture;
    private final int embedding;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int feedForward;
    /** 0: the tokenizer's own size. */
    private final int vocabulary;
    private final int context;
    private final boolean tied;
    private final double ropeBase;

    SyntheticPreset(String id, Architecture architecture, int embedding, int layers, int heads, int kvHeads,
                    int feedForward, int vocabulary, int context, boolean tied, double ropeBase) {
        this.id = id;
        this.architecture = architecture;
        this.embedding = embedding;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.feedForward = feedForward;
        this.vocabulary = vocabulary;
        this.context = context;
        this.tied = tied;
        this.ropeBase = ropeBase;
    }

    /** The name the command line uses ("llama-3.2-1b"). */
    public String id() {
        return id;
    }

    /** A builder with this preset's shape; the caller still chooses the tokenizer, format and seed. */
    public SyntheticModel.Builder builder() {
        SyntheticModel.Builder builder = SyntheticModel.builder(architecture).embeddingLength(embedding).layers(layers)
                .heads(heads).kvHeads(kvHeads).feedForwardLength(feedForward).contextLength(context).tiedOutput(tied)
                .ropeBase(ropeBase).name("hearth-synthetic-" + id);
        if (vocabulary > 0) {
            builder.vocabularySize(vocabulary);
        }
        if (this == LLAMA_3_2_1B) {
            builder.llama3RopeScaling(true);
        }
        return builder;
    }

    public static SyntheticPreset byId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(preset -> preset.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new ConfigurationException("Unknown preset '" + id + "'; known: " + ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(SyntheticPreset::id).collect(Collectors.joining(", "));
    }
}
