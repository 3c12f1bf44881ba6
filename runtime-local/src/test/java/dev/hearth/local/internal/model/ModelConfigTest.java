package dev.hearth.local.internal.model;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.internal.gguf.GgufMetadataFixtures;
import dev.hearth.local.internal.gguf.MetadataType;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Architecture features come from {@code <arch>.*} metadata, with llama.cpp's per-architecture defaults where the
 * file is silent. The parity models carry the real keys; altered copies check the defaults and the bad values.
 */
class ModelConfigTest {
    private static final int VOCABULARY = 512;

    private static GgufMetadata metadata(String model) {
        try (GgufFile file = GgufFile.open(SharedModels.file("parity/models/" + model + ".gguf"))) {
            return file.metadata();
        }
    }

    private static ModelConfig config(GgufMetadata metadata) {
        return ModelConfig.from(metadata, VOCABULARY);
    }

    private static GgufMetadata withInt(GgufMetadata base, String key, long value) {
        return GgufMetadataFixtures.with(base, key, MetadataType.UINT32, value);
    }

    @Test
    void llamaUsesAdjacentPairRopeAndSwiGluWithoutExtras() {
        ModelConfig config = config(metadata("llama-F32"));
        assertThat(config.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(config.features()).isEqualTo(ArchitectureFeatures.llama());
        assertThat(config.rope().frequencyBase()).isEqualTo(500000.0);
        assertThat(config.slidingWindow().size()).isZero();
        assertThat(config.attentionScale()).isCloseTo((float) (1 / Math.sqrt(64)), within(1e-7f));
    }

    @Test
    void mistralIsTheLlamaGraphUnderItsOwnKeyPrefix() {
        GgufMetadata llama = metadata("llama-F32");
        GgufMetadata mistral = GgufMetadataFixtures.with(llama, "general.architecture", MetadataType.STRING, "mistral");
        for (var entry : llama.entries().entrySet()) {
            if (entry.getKey().startsWith("llama.")) {
                mistral = GgufMetadataFixtures.without(mistral, entry.getKey());
                mistral = GgufMetadataFixtures.with(mistral, "mistral." + entry.getKey().substring("llama.".length()),
                        entry.getValue().type(), entry.getValue().value());
            }
        }
        ModelConfig config = config(mistral);
        assertThat(config.architecture()).isEqualTo(Architecture.MISTRAL);
        assertThat(config).usingRecursiveComparison().ignoringFields("architecture").isEqualTo(config(llama));
    }

    @Test
    void qwenFamiliesUseNeoxRopeWithBiasesOrQueryKeyNorms() {
        ModelConfig qwen2 = config(metadata("qwen2-F32"));
        assertThat(qwen2.features().ropeStyle()).isEqualTo(RopeStyle.NEOX);
        assertThat(qwen2.features().attentionBiases()).isTrue();
        assertThat(qwen2.features().queryKeyNorms()).isFalse();

        ModelConfig qwen3 = config(metadata("qwen3-F32"));
        assertThat(qwen3.features().queryKeyNorms()).isTrue();
        assertThat(qwen3.headDimension()).isEqualTo(64);
        assertThat(qwen3.queryDimension()).isEqualTo(256).isNotEqualTo(qwen3.embeddingLength());
    }

    @Test
    void phi3FusesItsProjectionsAndIgnoresTheSlidingWindowKeyAsLlamaCppDoes() {
        GgufMetadata phi3 = withInt(metadata("phi3-F32"), "phi3.attention.sliding_window", 2047);
        ModelConfig config = config(phi3);
        assertThat(config.features().fusedQkv()).isTrue();
        assertThat(config.features().fusedGateUp()).isTrue();
        assertThat(config.slidingWindow().slides(0)).isFalse();
    }

    @Test
    void gemma2ReadsSoftCapsWindowAndScalesEmbeddings() {
        ModelConfig config = config(metadata("gemma2-F32"));
        ArchitectureFeatures features = config.features();
        assertThat(features.activation()).isEqualTo(Activation.GELU_TANH);
        assertThat(features.postNorms()).isTrue();
        assertThat(features.embeddingScale()).isEqualTo(8f);
        assertThat(features.attentionSoftCap()).isEqualTo(10f);
        assertThat(features.finalSoftCap()).isEqualTo(60f);
        assertThat(config.slidingWindow().size()).isEqualTo(8);
        assertThat(config.slidingWindow().slides(0)).isTrue();
        assertThat(config.slidingWindow().slides(1)).isFalse();
    }

    @Test
    void gemma2FallsBackToLlamaCppDefaultsForOlderFiles() {
        GgufMetadata base = metadata("gemma2-F32");
        GgufMetadata old = GgufMetadataFixtures.without(GgufMetadataFixtures.without(GgufMetadataFixtures.without(base,
                "gemma2.attn_logit_softcapping"), "gemma2.final_logit_softcapping"), "gemma2.attention.sliding_window");
        ModelConfig config = config(old);
        assertThat(config.features().attentionSoftCap()).isEqualTo(50f);
        assertThat(config.features().finalSoftCap()).isEqualTo(30f);
        assertThat(config.slidingWindow().size()).isEqualTo(4096);
    }

    @Test
    void gemma3SlidingLayersUseTheirOwnRopeBaseAndPattern() {
        ModelConfig config = config(metadata("gemma3-F32"));
        assertThat(config.features().queryKeyNorms()).isTrue();
        assertThat(config.features().attentionSoftCap()).isZero();
        assertThat(config.features().finalSoftCap()).isZero();
        assertThat(config.slidingWindow().size()).isEqualTo(6);
        assertThat(config.ropeFor(0)).isEqualTo(new RopeParameters(10000, 1));
        assertThat(config.ropeFor(1)).isEqualTo(new RopeParameters(1e6, 1));
    }

    @Test
    void gemma3WithoutAPatternKeyHasFiveLocalLayersPerGlobalOne() {
        GgufMetadata base = withInt(metadata("gemma3-F32"), "gemma3.block_count", 12);
        ModelConfig config = config(GgufMetadataFixtures.without(base, "gemma3.attention.sliding_window_pattern"));
        for (int layer = 0; layer < 12; layer++) {
            assertThat(config.slidingWindow().slides(layer)).as("layer %d", layer).isEqualTo(layer % 6 != 5);
        }
    }

    @Test
    void aPerLayerPatternArrayIsHonoured() {
        GgufMetadata base = GgufMetadataFixtures.withArray(metadata("gemma3-F32"),
                "gemma3.attention.sliding_window_pattern", MetadataType.BOOL, new boolean[] {false, true});
        ModelConfig config = config(base);
        assertThat(config.slidingWindow().slides(0)).isFalse();
        assertThat(config.slidingWindow().slides(1)).isTrue();

        GgufMetadata wrongLength = GgufMetadataFixtures.withArray(metadata("gemma3-F32"),
                "gemma3.attention.sliding_window_pattern", MetadataType.BOOL, new boolean[] {true});
        assertThatThrownBy(() -> config(wrongLength)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("sliding_window_pattern").hasMessageContaining("2 bools");
    }

    @Test
    void gemma27BScalesQueriesByEmbeddingPerHeadAsTrained() {
        // Gemma 2 27B: 46 layers, n_embd 4608, 32 heads of 128 → queries scaled by 1/sqrt(144), not 1/sqrt(128)
        GgufMetadata base = metadata("gemma2-F32");
        GgufMetadata big = withInt(withInt(withInt(withInt(base, "gemma2.block_count", 46), "gemma2.embedding_length", 4608),
                "gemma2.attention.head_count", 32), "gemma2.attention.key_length", 128);
        big = withInt(withInt(big, "gemma2.attention.value_length", 128), "gemma2.rope.dimension_count", 128);
        assertThat(config(big).attentionScale()).isCloseTo((float) (1 / Math.sqrt(144)), within(1e-7f));
        assertThat(config(withInt(big, "gemma2.block_count", 42)).attentionScale())
                .isCloseTo((float) (1 / Math.sqrt(128)), within(1e-7f));
    }

    @Test
    void unknownArchitecturesAreRejectedListingTheSupportedOnes() {
        GgufMetadata bloom = GgufMetadataFixtures.with(metadata("llama-F32"), "general.architecture", MetadataType.STRING, "bloom");
        assertThatThrownBy(() -> config(bloom)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'bloom'")
                .hasMessageContaining("llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3");
    }

    @Test
    void mixtureOfExpertsModelsAreRejected() {
        GgufMetadata mixtral = withInt(metadata("llama-F32"), "llama.expert_count", 8);
        assertThatThrownBy(() -> config(mixtral)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("mixture of experts").hasMessageContaining("llama.expert_count 8");
    }

    @Test
    void nonsensicalFeatureValuesAreFormatErrorsNamingTheKey() {
        GgufMetadata zeroCap = GgufMetadataFixtures.with(metadata("gemma2-F32"), "gemma2.attn_logit_softcapping",
                MetadataType.FLOAT32, 0f);
        assertThatThrownBy(() -> config(zeroCap)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("gemma2.attn_logit_softcapping");
        GgufMetadata badBase = GgufMetadataFixtures.with(metadata("gemma3-F32"), "gemma3.rope.freq_base_swa",
                MetadataType.FLOAT32, 0.5f);
        assertThatThrownBy(() -> config(badBase)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("gemma3.rope.freq_base_swa");
    }
}
