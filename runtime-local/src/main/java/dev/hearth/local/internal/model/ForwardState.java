package dev.hearth.local.internal.model;

/**
 * A session's per-token buffers, allocated once so decoding allocates nothing: the last token's residual stream
 * ({@code hidden}) and its normalised copy, the logits, the attention split, and (made on first use) the block buffers
 * every forward pass runs in ({@link PrefillState}; decode is a block of one).
 */
public final class ForwardState {
    final float[] hidden;
    final float[] normalized;
    /** The attention split, with a scores buffer per worker share. */
    final AttentionTask attention;
    final float[] logits;
    /** Decode's block of one token, so a decode step allocates no array. */
    final int[] oneToken = new int[1];
    private final ModelConfig config;
    private PrefillState prefill;

    public ForwardState(ModelConfig config, int contextLength) {
        this.config = config;
        hidden = new float[config.embeddingLength()];
        normalized = new float[config.embeddingLength()];
        attention = new AttentionTask(config, contextLength);
        logits = new float[config.vocabularySize()];
    }

    /**
     * Block buffers holding at least {@code blockSize} tokens. A larger block's buffers serve a smaller one, so
     * alternating decode (blocks of one) and prefill (blocks of many) never reallocates.
     */
    PrefillState prefill(int blockSize) {
        if (prefill == null || prefill.blockSize < blockSize) {
            prefill = new PrefillState(config, Math.max(blockSize, TransformerModel.PREFILL_BLOCK_TOKENS));
        }
        return prefill;
    }

    /** The logits written by the last forward pass that asked for them. */
    public float[] logits() {
        return logits;
    }
}
