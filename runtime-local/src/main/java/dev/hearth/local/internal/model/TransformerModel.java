package dev.hearth.local.internal.model;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tensor.FloatOps;
import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.stage.LayerRange;

import java.util.Objects;

/**
 * A decoder-only transformer with RMSNorm: token embedding (optionally scaled), then per layer RMSNorm → attention
 * (optional q/k/v biases and per-head q/k norms, RoPE, grouped-query heads, causal or sliding-window softmax over the
 * session's KV cache, optional soft-capping) → optional post-norm → residual add → RMSNorm → gated feed-forward
 * (SwiGLU or GeGLU) → optional post-norm → residual add, then a final RMSNorm, the output projection and an optional
 * logit soft-cap. Every architecture runs this one pass; what differs is {@link ArchitectureFeatures} data. Reads top
 * to bottom like the papers; matrix products are split across the worker pool by rows, attention by heads
 * ({@link AttentionTask}).
 *
 * <p>There is one pass, over a block of tokens: prefill runs blocks of up to {@link #PREFILL_BLOCK_TOKENS}, decode a
 * block of one. A model may be opened for a {@link LayerRange} only (a stage of a pipeline split across machines):
 * the first stage embeds tokens, later stages take the previous stage's hidden states, and only the last computes
 * logits. Chained stages compute exactly what the whole model does, because a stage boundary only hands over the
 * float32 residual stream.
 */
public final class TransformerModel {
    private final ModelConfig config;
    private final ArchitectureFeatures features;
    private final LayerRange range;
    private final TransformerWeights weights;
    /** Per rotated pair i: base^(-2i/d), already divided by the Llama 3 frequency factor when the model has one. */
    private final double[] ropeInverseFrequencies;
    /** The same for sliding-window layers; null when they use the global frequencies. */
    private final double[] slidingRopeInverseFrequencies;
    /**
     * Whether QKV and gate/up/activation run as single pool splits ({@link QkvTask},
     * {@link GatedFeedForwardTask}). Both ways compute bit-identical results; the switch exists to measure the gain.
     */
    private final boolean fusedKernels;

    /** Every layer, with fused kernels on (the fast path; results are identical either way). */
    public TransformerModel(GgufFile file, ModelConfig config) {
        this(file, config, true);
    }

    public TransformerModel(GgufFile file, ModelConfig config, boolean fusedKernels) {
        this(file, config, LayerRange.all(config.layerCount()), fusedKernels);
    }

    /** The layers of {@code range} only: the rest of the file is never read. */
    public TransformerModel(GgufFile file, ModelConfig config, LayerRange range, boolean fusedKernels) {
        this.fusedKernels = fusedKernels;
        this.config = config;
        this.features = config.features();
        this.range = range;
        this.weights = new TransformerWeights(file, config, range);
        ropeInverseFrequencies = inverseFrequencies(config.rope());
        slidingRopeInverseFrequencies = config.slidingRope().equals(config.rope()) ? null : inverseFrequencies(config.slidingRope());
    }

    private double[] inverseFrequencies(RopeParameters rope) {
        int pairs = config.ropeDimensions() / 2;
        double[] frequencies = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            double frequency = Math.pow(rope.frequencyBase(), -2.0 * i / config.ropeDimensions());
            if (weights.ropeFrequencyFactors != null) {
                frequency /= weights.ropeFrequencyFactors[i];
            }
            frequencies[i] = frequency;
        }
        return frequencies;
    }

    public ModelConfig config() {
        return config;
    }

    /** The layers this model computes. */
    public LayerRange range() {
        return range;
    }

    /** Whether this model embeds tokens (its range starts at layer 0). */
    public boolean embedsTokens() {
        return range.first();
    }

    /** Whether this model computes logits (its range ends at the last layer). */
    public boolean computesLogits() {
        return range.last(config.layerCount());
    }

    /** A cache for this model's layers only. */
    public KvCache newKvCache(int contextLength) {
        return new KvCache(range.size(), config.kvDimension(), contextLength);
    }

    public ForwardState newState(int contextLength) {
        return new ForwardState(config, contextLength);
    }

    /**
     * Runs one token at {@code position} (which must equal the cache's length: tokens go in order), storing its keys
     * and values in the cache: a block of one. Logits are computed only when asked: during prefill only the last
     * prompt token needs them, and the output projection is the largest matrix of a small model.
     */
    public void forward(int token, int position, KvCache cache, ForwardState state, WorkerPool pool, boolean computeLogits) {
        if (position != cache.length()) {
            throw new IllegalStateException("position " + position + " does not follow the cache length " + cache.length());
        }
        state.oneToken[0] = token;
        prefill(state.oneToken, 0, 1, cache, state, pool, computeLogits, 1);
    }

    /**
     * Runs {@code tokens[from, to)} at positions {@code cache.length()} onwards, {@link #PREFILL_BLOCK_TOKENS} tokens
     * at a time: each layer's projections multiply the weights with the whole block ({@link WeightMatrix#matMul}), so
     * the weights are read from memory once per block rather than once per token, and attention runs per token
     * against the cache with the causal (or sliding-window) limit of its own position (split across the pool by KV
     * head group and token). Every value — keys and values in the cache, the hidden state, the logits — is the same
     * whatever the block size: each (row, token) product uses the same row kernel, and norms, RoPE, attention and
     * residual adds run per token with the same arithmetic in the same order. When {@code computeLogits}, the last
     * token's logits are left in {@link ForwardState#logits()}. Needs a model that embeds tokens.
     */
    public void prefill(int[] tokens, int from, int to, KvCache cache, ForwardState state, WorkerPool pool,
                        boolean computeLogits) {
        prefill(tokens, from, to, cache, state, pool, computeLogits, PREFILL_BLOCK_TOKENS);
    }

    /**
     * Tokens per prefill block: enough that one read of a weight row serves many tokens, few enough that the block's
     * activations (the feed-forward ones are the widest) stay in the last-level cache.
     */
    public static final int PREFILL_BLOCK_TOKENS = 32;

    void prefill(int[] tokens, int from, int to, KvCache cache, ForwardState state, WorkerPool pool,
                 boolean computeLogits, int blockSize) {
        Objects.checkFromToIndex(from, to, tokens.length);
        if (!embedsTokens()) {
            throw new IllegalStateException("layers " + range + " take hidden states, not tokens");
        }
        checkBlock(to - from, cache, computeLogits);
        for (int i = from; i < to; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabularySize()) {
                throw new IllegalArgumentException("token " + tokens[i] + " at index " + i
                        + " is outside the vocabulary of " + config.vocabularySize());
            }
        }
        PrefillState batch = state.prefill(blockSize);
        for (int blockStart = from; blockStart < to; blockStart += blockSize) {
            int count = Math.min(to, blockStart + blockSize) - blockStart;
            int embedding = config.embeddingLength();
            for (int b = 0; b < count; b++) {
                weights.tokenEmbedding.dequantizeRow(tokens[blockStart + b], batch.hidden, b * embedding);
                if (features.embeddingScale() != 1f) {
                    FloatOps.scale(batch.hidden, b * embedding, embedding, features.embeddingScale());
                }
            }
            runLayers(count, cache, state, batch, pool);
        }
        finish((to - from - 1) % blockSize, state, batch, pool, computeLogits);
    }

    /**
     * Runs a block of {@code count} positions from {@code cache.length()} on, taking the residual stream the previous
     * stage produced ({@code hidden[0, count × embeddingLength)}, token after token) instead of embedding tokens.
     * Returns the block's output hidden states (the state's own buffer, valid until the next call), and when
     * {@code computeLogits} (last stage only) leaves the last token's logits in {@link ForwardState#logits()}.
     */
    public float[] forwardHidden(float[] hidden, int count, KvCache cache, ForwardState state, WorkerPool pool,
                                 boolean computeLogits) {
        if (embedsTokens()) {
            throw new IllegalStateException("layers " + range + " embed tokens; they take no hidden states");
        }
        if (count > PREFILL_BLOCK_TOKENS) {
            throw new IllegalArgumentException("a block holds at most " + PREFILL_BLOCK_TOKENS + " tokens, was " + count);
        }
        int length = count * config.embeddingLength();
        if (hidden.length < length) {
            throw new IllegalArgumentException(count + " tokens need " + length + " hidden floats, got " + hidden.length);
        }
        checkBlock(count, cache, computeLogits);
        PrefillState batch = state.prefill(PREFILL_BLOCK_TOKENS);
        System.arraycopy(hidden, 0, batch.hidden, 0, length);
        runLayers(count, cache, state, batch, pool);
        finish(count - 1, state, batch, pool, computeLogits);
        return batch.hidden;
    }

    /**
     * The hidden states a token-embedding stage left for the next stage: the last block of its last call, token after
     * token ({@code embeddingLength} floats each).
     */
    public float[] blockHidden(ForwardState state) {
        return state.prefill(PREFILL_BLOCK_TOKENS).hidden;
    }

    private void checkBlock(int count, KvCache cache, boolean computeLogits) {
        if (count == 0) {
            if (computeLogits) {
                throw new IllegalArgumentException("logits were asked for, but there are no tokens to run");
            }
            return;
        }
        if (computeLogits && !computesLogits()) {
            throw new IllegalStateException("layers " + range + " end before the last layer; they compute no logits");
        }
        int start = cache.length();
        if ((long) start + count > cache.contextLength()) {
            throw new IllegalStateException("running " + count + " tokens after " + start
                    + " does not fit the context of " + cache.contextLength());
        }
    }

    /** Leaves the last token's hidden state in the one-token state, then (if asked) its logits. */
    private void finish(int lastInBlock, ForwardState state, PrefillState batch, WorkerPool pool, boolean computeLogits) {
        if (lastInBlock < 0) {
            return;
        }
        int embedding = config.embeddingLength();
        System.arraycopy(batch.hidden, lastInBlock * embedding, state.hidden, 0, embedding);
        if (computeLogits) {
            rmsNorm(state.normalized, state.hidden, 0, embedding, weights.outputNorm);
            batch.matMul.run(pool, weights.output, state.normalized, 1, state.logits);
            if (features.finalSoftCap() > 0) {
                softCap(state.logits, features.finalSoftCap());
            }
        }
    }

    /** The block in {@code batch.hidden} ({@code count} tokens at positions {@code cache.length() ..}) through every layer of the range. */
    private void runLayers(int count, KvCache cache, ForwardState state, PrefillState batch, WorkerPool pool) {
        int start = cache.length();
        int last = start + count - 1;
        cache.ensurePosition(last);
        int pairs = config.ropeDimensions() / 2;
        for (int b = 0; b < count; b++) {
            computeRope(start + b, config.rope(), ropeInverseFrequencies, batch.ropeCos, batch.ropeSin, b * pairs);
            if (slidingRopeInverseFrequencies != null) {
                computeRope(start + b, config.slidingRope(), slidingRopeInverseFrequencies, batch.slidingRopeCos,
                        batch.slidingRopeSin, b * pairs);
            }
        }
        for (int index = 0; index < range.size(); index++) {
            LayerWeights w = weights.layers.get(index);
            batchAttention(range.from() + index, index, w, start, count, cache, state, batch, pool);
            batchFeedForward(w, count, batch, pool);
        }
        cache.commit(last);
    }

    /** Attention of model layer {@code layer}, whose keys and values sit at {@code cacheLayer} of this range's cache. */
    private void batchAttention(int layer, int cacheLayer, LayerWeights w, int start, int count, KvCache cache,
                                ForwardState state, PrefillState batch, WorkerPool pool) {
        int embedding = config.embeddingLength();
        int queryDimension = config.queryDimension();
        int kvDimension = config.kvDimension();
        int headDimension = config.headDimension();
        for (int b = 0; b < count; b++) {
            rmsNorm(batch.normalized, batch.hidden, b * embedding, embedding, w.attentionNorm());
        }
        batchProjectQueryKeyValue(w, count, batch, pool);
        boolean sliding = config.slidingWindow().slides(layer);
        boolean slidingRope = sliding && slidingRopeInverseFrequencies != null;
        float[] cos = slidingRope ? batch.slidingRopeCos : batch.ropeCos;
        float[] sin = slidingRope ? batch.slidingRopeSin : batch.ropeSin;
        int pairs = config.ropeDimensions() / 2;
        float[] keys = cache.keys(cacheLayer);
        float[] values = cache.values(cacheLayer);
        for (int b = 0; b < count; b++) {
            int queryOffset = b * queryDimension;
            int kvOffset = b * kvDimension;
            if (w.queryNorm() != null) {
                for (int head = 0; head < config.headCount(); head++) {
                    rmsNorm(batch.query, batch.query, queryOffset + head * headDimension, headDimension, w.queryNorm());
                }
                for (int head = 0; head < config.kvHeadCount(); head++) {
                    rmsNorm(batch.key, batch.key, kvOffset + head * headDimension, headDimension, w.keyNorm());
                }
            }
            LayerKernels.applyRope(batch.query, queryOffset, config.headCount(), headDimension, pairs,
                    features.ropeStyle(), cos, sin, b * pairs);
            LayerKernels.applyRope(batch.key, kvOffset, config.kvHeadCount(), headDimension, pairs,
                    features.ropeStyle(), cos, sin, b * pairs);
            System.arraycopy(batch.key, kvOffset, keys, (start + b) * kvDimension, kvDimension);
            System.arraycopy(batch.value, kvOffset, values, (start + b) * kvDimension, kvDimension);
        }
        // every key of the block is in the cache now; each token still sees only positions up to its own
        state.attention.run(pool, layer, batch.query, keys, values, start, count, batch.attentionOutput);
        batch.matMul.run(pool, w.attentionOutput(), batch.attentionOutput, count, batch.projected);
        for (int b = 0; b < count; b++) {
            int offset = b * embedding;
            addBias(batch.projected, offset, w.attentionOutputBias());
            if (w.postAttentionNorm() != null) {
                rmsNorm(batch.projected, batch.projected, offset, embedding, w.postAttentionNorm());
            }
            add(batch.hidden, offset, batch.projected, offset, embedding);
        }
    }

    /** Fills the block's queries, keys and values from its normalised inputs, with biases when the model has them. */
    private void batchProjectQueryKeyValue(LayerWeights w, int count, PrefillState batch, WorkerPool pool) {
        int queryDimension = config.queryDimension();
        int kvDimension = config.kvDimension();
        if (w.queryKeyValue() != null) {
            batch.matMul.run(pool, w.queryKeyValue(), batch.normalized, count, batch.queryKeyValue);
            int stride = queryDimension + 2 * kvDimension;
            for (int b = 0; b < count; b++) {
                int base = b * stride;
                System.arraycopy(batch.queryKeyValue, base, batch.query, b * queryDimension, queryDimension);
                System.arraycopy(batch.queryKeyValue, base + queryDimension, batch.key, b * kvDimension, kvDimension);
                System.arraycopy(batch.queryKeyValue, base + queryDimension + kvDimension, batch.value,
                        b * kvDimension, kvDimension);
            }
            return;
        }
        if (fusedKernels) {
            batch.qkv.run(pool, w.query(), w.key(), w.value(), batch.normalized, count, batch.query, batch.key,
                    batch.value);
        } else {
            batch.matMul.run(pool, w.query(), batch.normalized, count, batch.query);
            batch.matMul.run(pool, w.key(), batch.normalized, count, batch.key);
            batch.matMul.run(pool, w.value(), batch.normalized, count, batch.value);
        }
        for (int b = 0; b < count; b++) {
            addBias(batch.query, b * queryDimension, w.queryBias());
            addBias(batch.key, b * kvDimension, w.keyBias());
            addBias(batch.value, b * kvDimension, w.valueBias());
        }
    }

    private void batchFeedForward(LayerWeights w, int count, PrefillState batch, WorkerPool pool) {
        int embedding = config.embeddingLength();
        int feedForward = config.feedForwardLength();
        for (int b = 0; b < count; b++) {
            rmsNorm(batch.normalized, batch.hidden, b * embedding, embedding, w.feedForwardNorm());
        }
        if (!fusedKernels) {
            separateGatedFeedForward(w, count, batch, pool);
        } else if (w.gate() == null) {
            // fused: the first feedForwardLength rows are the gate, the rest the up projection
            batch.gatedFeedForward.run(pool, features.activation(), w.up(), w.up(), feedForward, feedForward,
                    batch.normalized, count, batch.gateUp, batch.gateUp, batch.gate);
        } else {
            batch.gatedFeedForward.run(pool, features.activation(), w.gate(), w.up(), 0, feedForward,
                    batch.normalized, count, batch.gate, batch.up, batch.gate);
        }
        batch.matMul.run(pool, w.down(), batch.gate, count, batch.projected);
        for (int b = 0; b < count; b++) {
            int offset = b * embedding;
            if (w.postFeedForwardNorm() != null) {
                rmsNorm(batch.projected, batch.projected, offset, embedding, w.postFeedForwardNorm());
            }
            add(batch.hidden, offset, batch.projected, offset, embedding);
        }
    }

    /** The gate and up projections as separate products, then the activation token by token (the unfused path). */
    private void separateGatedFeedForward(LayerWeights w, int count, PrefillState batch, WorkerPool pool) {
        int feedForward = config.feedForwardLength();
        if (w.gate() == null) {
            batch.matMul.run(pool, w.up(), batch.normalized, count, batch.gateUp);
            for (int b = 0; b < count; b++) {
                LayerKernels.gatedActivation(features.activation(), batch.gateUp, b * 2 * feedForward, batch.gateUp,
                        b * 2 * feedForward + feedForward, batch.gate, b * feedForward, feedForward);
            }
        } else {
            batch.matMul.run(pool, w.gate(), batch.normalized, count, batch.gate);
            batch.matMul.run(pool, w.up(), batch.normalized, count, batch.up);
            for (int b = 0; b < count; b++) {
                LayerKernels.gatedActivation(features.activation(), batch.gate, b * feedForward, batch.up,
                        b * feedForward, batch.gate, b * feedForward, feedForward);
            }
        }
    }

    /** RMS-normalises {@code in[offset, offset+n)} into {@code out} at the same offset; {@code out} may be {@code in}. */
    private void rmsNorm(float[] out, float[] in, int offset, int n, float[] weight) {
        LayerKernels.rmsNorm(out, in, offset, n, weight, config.rmsNormEpsilon());
    }

    /** cos/sin of every rotated pair's angle at {@code position}, written at {@code offset} (one token of a block). */
    private static void computeRope(int position, RopeParameters rope, double[] inverseFrequencies, float[] cos,
                                    float[] sin, int offset) {
        double scaledPosition = position * rope.positionScale();
        for (int i = 0; i < inverseFrequencies.length; i++) {
            double angle = scaledPosition * inverseFrequencies[i];
            cos[offset + i] = (float) Math.cos(angle);
            sin[offset + i] = (float) Math.sin(angle);
        }
    }

    private static void softCap(float[] values, float cap) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (cap * Math.tanh(values[i] / cap));
        }
    }

    private static void addBias(float[] target, int offset, float[] bias) {
        if (bias != null) {
            add(target, offset, bias, 0, bias.length);
        }
    }

    private static void add(float[] target, int targetOffset, float[] addend, int addendOffset, int n) {
        for (int i = 0; i < n; i++) {
            target[targetOffset + i] += addend[addendOffset + i];
        }
    }
}
