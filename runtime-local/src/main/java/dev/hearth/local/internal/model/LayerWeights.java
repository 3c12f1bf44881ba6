package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;

/**
 * The weights of one transformer block. Vectors (norms, biases) are copied to the heap; matrices stay in the
 * mapping. Which optional parts are present follows the model's {@link ArchitectureFeatures}; absent ones are null.
 *
 * @param query               null when {@code queryKeyValue} holds the fused projection
 * @param queryKeyValue       the fused {@code attn_qkv} projection (query rows, then key, then value), or null
 * @param queryNorm           per-head RMSNorm weights ({@code head_dim} long) applied to every query head, or null
 * @param gate                null when {@code up} holds the gate rows too ({@link ArchitectureFeatures#fusedGateUp})
 * @param postAttentionNorm   applied to the attention output before the residual add, or null
 * @param postFeedForwardNorm applied to the feed-forward output before the residual add, or null
 */
record LayerWeights(float[] attentionNorm,
                    WeightMatrix query, WeightMatrix key, WeightMatrix value, WeightMatrix queryKeyValue,
                    float[] queryBias, float[] keyBias, float[] valueBias,
                    float[] queryNorm, float[] keyNorm,
                    WeightMatrix attentionOutput, float[] attentionOutputBias, float[] postAttentionNorm,
                    float[] feedForwardNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down,
                    float[] postFeedForwardNorm) {
}
