package dev.hearth.local.internal.model;

/**
 * Everything in which the supported architectures' forward passes differ, as data: the one forward pass in
 * {@link TransformerModel} branches on these and nothing else.
 *
 * @param ropeStyle         which dimensions RoPE rotates together
 * @param activation        SwiGLU or GeGLU
 * @param attentionBiases   q/k/v projections have biases that must be present (qwen2); optional biases are used
 *                          whenever a file has them, whatever this says
 * @param queryKeyNorms     each query and key head is RMS-normalised (own weights, {@code head_dim} long) before
 *                          RoPE (qwen3, gemma3)
 * @param fusedQkv          one {@code attn_qkv} matrix yields the query, key and value rows in that order (phi3)
 * @param fusedGateUp       {@code ffn_up} holds the gate rows, then the up rows; there is no {@code ffn_gate} (phi3)
 * @param postNorms         the attention and feed-forward outputs are RMS-normalised before each residual add
 *                          (gemma2, gemma3)
 * @param embeddingScale    token embeddings are multiplied by this (gemma: sqrt(n_embd)); 1 for none
 * @param attentionSoftCap  attention scores become {@code cap·tanh(score/cap)}; 0 for none (gemma2)
 * @param finalSoftCap      logits become {@code cap·tanh(logit/cap)}; 0 for none (gemma2)
 */
public record ArchitectureFeatures(RopeStyle ropeStyle, Activation activation, boolean attentionBiases,
                                   boolean queryKeyNorms, boolean fusedQkv, boolean fusedGateUp, boolean postNorms,
                                   float embeddingScale, float attentionSoftCap, float finalSoftCap) {

    public ArchitectureFeatures {
        if (!(embeddingScale > 0) || Float.isInfinite(embeddingScale)) {
            throw new IllegalArgumentException("embedding scale " + embeddingScale + " must be a finite number > 0");
        }
        if (!(attentionSoftCap >= 0) || Float.isInfinite(attentionSoftCap)) {
            throw new IllegalArgumentException("attention soft-cap " + attentionSoftCap + " must be finite and >= 0");
        }
        if (!(finalSoftCap >= 0) || Float.isInfinite(finalSoftCap)) {
            throw new IllegalArgumentException("final logit soft-cap " + finalSoftCap + " must be finite and >= 0");
        }
    }

    /** The llama graph: NORMAL RoPE, SwiGLU, separate projections, no extra norms, scales or caps. */
    public static ArchitectureFeatures llama() {
        return new ArchitectureFeatures(RopeStyle.NORMAL, Activation.SILU, false, false, false, false, false, 1f, 0f, 0f);
    }

    public ArchitectureFeatures withNeoxRope() {
        return new ArchitectureFeatures(RopeStyle.NEOX, activation, attentionBiases, queryKeyNorms, fusedQkv, fusedGateUp,
                postNorms, embeddingScale, attentionSoftCap, finalSoftCap);
    }

    public ArchitectureFeatures withRequiredAttentionBiases() {
        return new ArchitectureFeatures(ropeStyle, activation, true, queryKeyNorms, fusedQkv, fusedGateUp,
                postNorms, embeddingScale, attentionSoftCap, finalSoftCap);
    }

    public ArchitectureFeatures withQueryKeyNorms() {
        return new ArchitectureFeatures(ropeStyle, activation, attentionBiases, true, fusedQkv, fusedGateUp,
                postNorms, embeddingScale, attentionSoftCap, finalSoftCap);
    }

    public ArchitectureFeatures withFusedQkvAndGateUp() {
        return new ArchitectureFeatures(ropeStyle, activation, attentionBiases, queryKeyNorms, true, true,
                postNorms, embeddingScale, attentionSoftCap, finalSoftCap);
    }

    /** Gemma's additions: GeGLU, post-attention and post-feed-forward norms, scaled embeddings. */
    public ArchitectureFeatures withGemmaBlock(float embeddingScale) {
        return new ArchitectureFeatures(ropeStyle, Activation.GELU_TANH, attentionBiases, queryKeyNorms, fusedQkv,
                fusedGateUp, true, embeddingScale, attentionSoftCap, finalSoftCap);
    }

    /** Soft-caps for attention scores and final logits; 0 turns one off. */
    public ArchitectureFeatures withSoftCaps(float attentionSoftCap, float finalSoftCap) {
        return new ArchitectureFeatures(ropeStyle, activation, attentionBiases, queryKeyNorms, fusedQkv, fusedGateUp,
                postNorms, embeddingScale, attentionSoftCap, finalSoftCap);
    }
}
