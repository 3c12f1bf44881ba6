package dev.hearth.local.internal.model;

/**
 * Scratch buffers for one token's forward pass, allocated once per session so decoding allocates nothing.
 * Names follow the data: {@code hidden} is the residual stream, {@code normalized} its RMS-normalised copy.
 */
public final class ForwardState {
    final float[] hidden;
    final float[] normalized;
    final float[] query;
    final float[] key;
    final float[] value;
    /** Output of a fused QKV projection (empty when the model has separate ones). */
    final float[] queryKeyValue;
    final float[] attentionOutput;
    final float[] projected;
    final float[] gate;
    final float[] up;
    /** Output of a fused gate-up projection (empty when the model has separate ones). */
    final float[] gateUp;
    /** The attention split, with a scores buffer per worker share. */
    final AttentionTask attention;
    final float[] ropeCos;
    final float[] ropeSin;
    /** cos/sin for sliding-window layers whose RoPE base differs from the global one (Gemma 3). */
    final float[] slidingRopeCos;
    final float[] slidingRopeSin;
    final float[] logits;
    final MatMulTask matMul = new MatMulTask();
    final QkvTask qkv = new QkvTask();
    final GatedFeedForwardTask gatedFeedForward = new GatedFeedForwardTask();
    private final ModelConfig config;
    /** The block buffers of {@link TransformerModel#prefill}, made on the first prefill (decode-only users skip them). */
    private PrefillState prefill;

    public ForwardState(ModelConfig config, int contextLength) {
        this.config = config;
        ArchitectureFeatures features = config.features();
        hidden = new float[config.embeddingLength()];
        normalized = new float[config.embeddingLength()];
        query = new float[config.queryDimension()];
        key = new float[config.kvDimension()];
        value = new float[config.kvDimension()];
        queryKeyValue = new float[features.fusedQkv() ? config.queryDimension() + 2 * config.kvDimension() : 0];
        attentionOutput = new float[config.queryDimension()];
        projected = new float[config.embeddingLength()];
        gate = new float[config.feedForwardLength()];
        up = new float[features.fusedGateUp() ? 0 : config.feedForwardLength()];
        gateUp = new float[features.fusedGateUp() ? 2 * config.feedForwardLength() : 0];
        attention = new AttentionTask(config, contextLength);
        ropeCos = new float[config.ropeDimensions() / 2];
        ropeSin = new float[config.ropeDimensions() / 2];
        slidingRopeCos = new float[config.ropeDimensions() / 2];
        slidingRopeSin = new float[config.ropeDimensions() / 2];
        logits = new float[config.vocabularySize()];
    }

    PrefillState prefill(int blockSize) {
        if (prefill == null || prefill.blockSize != blockSize) {
            prefill = new PrefillState(config, blockSize);
        }
        return prefill;
    }

    /** The logits written by the last forward pass that asked for them. */
    public float[] logits() {
        return logits;
    }
}
