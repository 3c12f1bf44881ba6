package dev.hearth.local.internal.model;

/**
 * Scratch buffers for a block of prompt tokens run together by {@link TransformerModel#prefill}: the per-token
 * vectors of {@link ForwardState}, packed token after token ({@code blockSize} of each), so each layer's projections
 * become one matrix × matrix product per block. Allocated once per session, on its first prefill.
 */
final class PrefillState {
    final int blockSize;
    final float[] hidden;
    final float[] normalized;
    final float[] query;
    final float[] key;
    final float[] value;
    /** Output of a fused QKV projection (empty when the model has separate ones). */
    final float[] queryKeyValue;
    final float[] attentionOutput;
    final float[] projected;
    /** The gated activation of each token (and, with separate gate and up matrices, the gate projection first). */
    final float[] gate;
    final float[] up;
    /** Output of a fused gate-up projection (empty when the model has separate ones). */
    final float[] gateUp;
    /** cos/sin of each token's RoPE angles, {@code ropeDimensions / 2} per token. */
    final float[] ropeCos;
    final float[] ropeSin;
    final float[] slidingRopeCos;
    final float[] slidingRopeSin;
    final MatMulTask matMul = new MatMulTask();
    final QkvTask qkv = new QkvTask();
    final GatedFeedForwardTask gatedFeedForward = new GatedFeedForwardTask();

    PrefillState(ModelConfig config, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be >= 1, was " + blockSize);
        }
        ArchitectureFeatures features = config.features();
        this.blockSize = blockSize;
        int embedding = config.embeddingLength();
        int queryDimension = config.queryDimension();
        int kvDimension = config.kvDimension();
        int feedForward = config.feedForwardLength();
        int pairs = config.ropeDimensions() / 2;
        hidden = new float[blockSize * embedding];
        normalized = new float[blockSize * embedding];
        query = new float[blockSize * queryDimension];
        key = new float[blockSize * kvDimension];
        value = new float[blockSize * kvDimension];
        queryKeyValue = new float[features.fusedQkv() ? blockSize * (queryDimension + 2 * kvDimension) : 0];
        attentionOutput = new float[blockSize * queryDimension];
        projected = new float[blockSize * embedding];
        gate = new float[blockSize * feedForward];
        up = new float[features.fusedGateUp() ? 0 : blockSize * feedForward];
        gateUp = new float[features.fusedGateUp() ? blockSize * 2 * feedForward : 0];
        ropeCos = new float[blockSize * pairs];
        ropeSin = new float[blockSize * pairs];
        slidingRopeCos = new float[blockSize * pairs];
        slidingRopeSin = new float[blockSize * pairs];
    }
}
