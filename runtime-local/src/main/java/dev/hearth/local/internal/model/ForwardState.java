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
    final float[] attentionOutput;
    final float[] projected;
    final float[] gate;
    final float[] up;
    final float[] attentionScores;
    final float[] ropeCos;
    final float[] ropeSin;
    final float[] logits;

    public ForwardState(LlamaConfig config, int contextLength) {
        hidden = new float[config.embeddingLength()];
        normalized = new float[config.embeddingLength()];
        query = new float[config.queryDimension()];
        key = new float[config.kvDimension()];
        value = new float[config.kvDimension()];
        attentionOutput = new float[config.queryDimension()];
        projected = new float[config.embeddingLength()];
        gate = new float[config.feedForwardLength()];
        up = new float[config.feedForwardLength()];
        attentionScores = new float[contextLength];
        ropeCos = new float[config.ropeDimensions() / 2];
        ropeSin = new float[config.ropeDimensions() / 2];
        logits = new float[config.vocabularySize()];
    }

    /** The logits written by the last forward pass that asked for them. */
    public float[] logits() {
        return logits;
    }
}
