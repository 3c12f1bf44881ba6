package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;

/** The weights of one transformer block. Norm weights are copied to the heap; matrices stay in the mapping. */
record LayerWeights(float[] attentionNorm, WeightMatrix query, WeightMatrix key, WeightMatrix value,
                    WeightMatrix attentionOutput, float[] feedForwardNorm, WeightMatrix gate, WeightMatrix up,
                    WeightMatrix down) {
}
