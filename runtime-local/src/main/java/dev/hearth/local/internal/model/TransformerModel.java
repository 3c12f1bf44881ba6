package dev.hearth.local.internal.model;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tensor.FloatOps;
import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

import java.util.Objects;

/**
 * A decoder-only transformer with RMSNorm: token embedding (optionally scaled), then per layer RMSNorm → attention
 * (optional q/k/v biases and per-head q/k norms, RoPE, grouped-query heads, causal or sliding-window softmax over the
 * session's KV cache, optional soft-capping) → optional post-norm → residual add → RMSNorm → gated feed-forward
 * (SwiGLU or GeGLU) → optional post-norm → residual add, then a final RMSNorm, the output projection and an optional
 * logit soft-cap. Every architecture runs this one pass; what differs is {@link ArchitectureFeatures} data. Reads top
 * to bottom like the papers; matrix-vector products are split across the worker pool by rows, attention by heads
 * ({@link AttentionTask}).
 */
public final class TransformerModel {
    private final ModelConfig config;
    private final ArchitectureFeatures features;
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

    /** A model with fused kernels on (the fast path; results are identical either way). */
    public TransformerModel(GgufFile file, ModelConfig config) {
        this(file, config, true);
    }

    public TransformerModel(GgufFile file, ModelConfig config, boolean fusedKernels) {
        this.fusedKernels = fusedKernels;
        this.config = config;
        this.features = config.features();
        this.weights = new TransformerWeights(file, config);
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

    public KvCache newKvCache(int contextLength) {
        return new KvCache(config.layerCount(), config.kvDimension(), contextLength);
    }

    public ForwardState newState(int contextLength) {
        return new ForwardState(config, contextLength);
    }

    /**
     * Runs one token at {@code position} (which must equal the cache's length: tokens go in order), storing its keys
     * and values in the cache. Logits are computed only when asked: during prefill only the last prompt token needs
     * them, and the output projection is the largest matrix of a small model.
     */
    public void forward(int token, int position, KvCache cache, ForwardState state, WorkerPool pool, boolean computeLogits) {
        if (position != cache.length()) {
            throw new IllegalStateException("position " + position + " does not follow the cache length " + cache.length());
        }
        cache.ensurePosition(position);
        weights.tokenEmbedding.dequantizeRow(token, state.hidden, 0);
        if (features.embeddingScale() != 1f) {
            FloatOps.scale(state.hidden, 0, state.hidden.length, features.embeddingScale());
        }
        computeRope(position, config.rope(), ropeInverseFrequencies, state.ropeCos, state.ropeSin);
        if (slidingRopeInverseFrequencies != null) {
            computeRope(position, config.slidingRope(), slidingRopeInverseFrequencies, state.slidingRopeCos, state.slidingRopeSin);
        }
        for (int layer = 0; layer < config.layerCount(); layer++) {
            LayerWeights w = weights.layers.get(layer);
            attention(layer, w, position, cache, state, pool);
            feedForward(w, state, pool);
        }
        cache.commit(position);
        if (computeLogits) {
            rmsNorm(state.normalized, state.hidden, weights.outputNorm);
            matVec(weights.output, state.normalized, state.logits, state, pool);
            if (features.finalSoftCap() > 0) {
                softCap(state.logits, features.finalSoftCap());
            }
        }
    }

    /**
     * Runs {@code tokens[from, to)} at positions {@code cache.length()} onwards, as {@link #forward} would one by one,
     * but {@link #PREFILL_BLOCK_TOKENS} tokens at a time: each layer's projections multiply the weights with the whole
     * block ({@link WeightMatrix#matMul}), so the weights are read from memory once per block rather than once per
     * token, and attention runs per token against the cache with the causal (or sliding-window) limit of its own
     * position (split across the pool by KV head group and token). Every value — keys and values in the cache, the
     * hidden state, the logits — is bit-identical to the one-token path: each (row, token) product uses the same row
     * kernel, and norms, RoPE, attention and residual adds run per token with the same arithmetic in the same order.
     * When {@code computeLogits}, the last token's logits are left in {@link ForwardState#logits()}.
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
        if (from == to) {
            if (computeLogits) {
                throw new IllegalArgumentException("logits were asked for, but there are no tokens to prefill");
            }
            return;
        }
        int start = cache.length();
        if ((long) start + (to - from) > cache.contextLength()) {
            throw new IllegalStateException("prefilling " + (to - from) + " tokens after " + start
                    + " does not fit the context of " + cache.contextLength());
        }
        for (int i = from; i < to; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabularySize()) {
                throw new IllegalArgumentException("token " + tokens[i] + " at index " + i
                        + " is outside the vocabulary of " + config.vocabularySize());
            }
        }
        PrefillState batch = state.prefill(blockSize);
        for (int blockStart = from; blockStart < to; blockStart += blockSize) {
            int blockEnd = Math.min(to, blockStart + blockSize);
            prefillBlock(tokens, blockStart, blockEnd - blockStart, cache.length(), cache, state, batch, pool);
        }
        // leave the one-token state as forward would: the last token's hidden state, then (if asked) its logits
        int embedding = config.embeddingLength();
        int lastInBlock = (to - from - 1) % blockSize;
        System.arraycopy(batch.hidden, lastInBlock * embedding, state.hidden, 0, embedding);
        if (computeLogits) {
            rmsNorm(state.normalized, state.hidden, weights.outputNorm);
            matVec(weights.output, state.normalized, state.logits, state, pool);
            if (features.finalSoftCap() > 0) {
                softCap(state.logits, features.finalSoftCap());
            }
        }
    }

    /** {@code count} tokens from {@code tokens[first]} at positions {@code start ..}, through every layer. */
    private void prefillBlock(int[] tokens, int first, int count, int start, KvCache cache, ForwardState state,
                              PrefillState batch, WorkerPool pool) {
        int last = start + count - 1;
        cache.ensurePosition(last);
        int embedding = config.embeddingLength();
        int pairs = config.ropeDimensions() / 2;
        for (int b = 0; b < count; b++) {
            weights.tokenEmbedding.dequantizeRow(tokens[first + b], batch.hidden, b * embedding);
            if (features.embeddingScale() != 1f) {
                FloatOps.scale(batch.hidden, b * embedding, embedding, features.embeddingScale());
            }
            computeRope(start + b, config.rope(), ropeInverseFrequencies, batch.ropeCos, batch.ropeSin, b * pairs);
            if (slidingRopeInverseFrequencies != null) {
                computeRope(start + b, config.slidingRope(), slidingRopeInverseFrequencies, batch.slidingRopeCos,
                        batch.slidingRopeSin, b * pairs);
            }
        }
        for (int layer = 0; layer < config.layerCount(); layer++) {
            LayerWeights w = weights.layers.get(layer);
            batchAttention(layer, w, start, count, cache, state, batch, pool);
            batchFeedForward(w, count, batch, pool);
        }
        cache.commit(last);
    }

    private void batchAttention(int layer, LayerWeights w, int start, int count, KvCache cache, ForwardState state,
                                PrefillState batch, WorkerPool pool) {
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
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
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
        batch.qkv.run(pool, w.query(), w.key(), w.value(), batch.normalized, count, batch.query, batch.key,
                batch.value);
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
        if (w.gate() == null) {
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

    private void attention(int layer, LayerWeights w, int position, KvCache cache, ForwardState state, WorkerPool pool) {
        rmsNorm(state.normalized, state.hidden, w.attentionNorm());
        projectQueryKeyValue(w, state, pool);
        if (w.queryNorm() != null) {
            headwiseRmsNorm(state.query, config.headCount(), w.queryNorm());
            headwiseRmsNorm(state.key, config.kvHeadCount(), w.keyNorm());
        }
        boolean sliding = config.slidingWindow().slides(layer);
        boolean slidingRope = sliding && slidingRopeInverseFrequencies != null;
        float[] cos = slidingRope ? state.slidingRopeCos : state.ropeCos;
        float[] sin = slidingRope ? state.slidingRopeSin : state.ropeSin;
        applyRope(state.query, config.headCount(), cos, sin);
        applyRope(state.key, config.kvHeadCount(), cos, sin);

        int kvDimension = config.kvDimension();
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        System.arraycopy(state.key, 0, keys, position * kvDimension, kvDimension);
        System.arraycopy(state.value, 0, values, position * kvDimension, kvDimension);

        state.attention.run(pool, layer, state.query, keys, values, position, 1, state.attentionOutput);
        matVec(w.attentionOutput(), state.attentionOutput, state.projected, state, pool);
        addBias(state.projected, w.attentionOutputBias());
        if (w.postAttentionNorm() != null) {
            rmsNorm(state.projected, state.projected, w.postAttentionNorm());
        }
        add(state.hidden, state.projected);
    }

    /** Fills {@code state.query/key/value} from the normalised input, with biases when the model has them. */
    private void projectQueryKeyValue(LayerWeights w, ForwardState state, WorkerPool pool) {
        if (w.queryKeyValue() != null) {
            matVec(w.queryKeyValue(), state.normalized, state.queryKeyValue, state, pool);
            int queryDimension = config.queryDimension();
            int kvDimension = config.kvDimension();
            System.arraycopy(state.queryKeyValue, 0, state.query, 0, queryDimension);
            System.arraycopy(state.queryKeyValue, queryDimension, state.key, 0, kvDimension);
            System.arraycopy(state.queryKeyValue, queryDimension + kvDimension, state.value, 0, kvDimension);
            return;
        }
        if (fusedKernels) {
            state.qkv.run(pool, w.query(), w.key(), w.value(), state.normalized, 1, state.query, state.key,
                    state.value);
        } else {
            matVec(w.query(), state.normalized, state.query, state, pool);
            matVec(w.key(), state.normalized, state.key, state, pool);
            matVec(w.value(), state.normalized, state.value, state, pool);
        }
        addBias(state.query, w.queryBias());
        addBias(state.key, w.keyBias());
        addBias(state.value, w.valueBias());
    }

    private void feedForward(LayerWeights w, ForwardState state, WorkerPool pool) {
        rmsNorm(state.normalized, state.hidden, w.feedForwardNorm());
        float[] gate = state.gate;
        if (w.gate() == null) {
            // fused: the first feedForwardLength rows are the gate, the rest the up projection
            if (fusedKernels) {
                state.gatedFeedForward.run(pool, features.activation(), w.up(), w.up(), gate.length, gate.length,
                        state.normalized, 1, state.gateUp, state.gateUp, gate);
            } else {
                matVec(w.up(), state.normalized, state.gateUp, state, pool);
                LayerKernels.gatedActivation(features.activation(), state.gateUp, state.gateUp, gate.length, gate, 0,
                        gate.length);
            }
        } else if (fusedKernels) {
            state.gatedFeedForward.run(pool, features.activation(), w.gate(), w.up(), 0, gate.length,
                    state.normalized, 1, gate, state.up, gate);
        } else {
            matVec(w.gate(), state.normalized, gate, state, pool);
            matVec(w.up(), state.normalized, state.up, state, pool);
            LayerKernels.gatedActivation(features.activation(), gate, state.up, 0, gate, 0, gate.length);
        }
        matVec(w.down(), gate, state.projected, state, pool);
        if (w.postFeedForwardNorm() != null) {
            rmsNorm(state.projected, state.projected, w.postFeedForwardNorm());
        }
        add(state.hidden, state.projected);
    }

    private void rmsNorm(float[] out, float[] in, float[] weight) {
        rmsNorm(out, in, 0, in.length, weight);
    }

    /** RMS-normalises {@code in[offset, offset+n)} into {@code out} at the same offset; {@code out} may be {@code in}. */
    private void rmsNorm(float[] out, float[] in, int offset, int n, float[] weight) {
        LayerKernels.rmsNorm(out, in, offset, n, weight, config.rmsNormEpsilon());
    }

    /** Each head of {@code vector} is normalised on its own, all with the same {@code head_dim} weights. */
    private void headwiseRmsNorm(float[] vector, int heads, float[] weight) {
        int headDimension = config.headDimension();
        for (int head = 0; head < heads; head++) {
            rmsNorm(vector, vector, head * headDimension, headDimension, weight);
        }
    }

    /** cos/sin of every rotated pair's angle at this position, shared by all heads and layers of the token. */
    private static void computeRope(int position, RopeParameters rope, double[] inverseFrequencies, float[] cos, float[] sin) {
        computeRope(position, rope, inverseFrequencies, cos, sin, 0);
    }

    /** The same, written at {@code offset} of {@code cos}/{@code sin} (one token of a packed block). */
    private static void computeRope(int position, RopeParameters rope, double[] inverseFrequencies, float[] cos,
                                    float[] sin, int offset) {
        double scaledPosition = position * rope.positionScale();
        for (int i = 0; i < inverseFrequencies.length; i++) {
            double angle = scaledPosition * inverseFrequencies[i];
            cos[offset + i] = (float) Math.cos(angle);
            sin[offset + i] = (float) Math.sin(angle);
        }
    }

    /** RoPE over every head of {@code vector} (see {@link LayerKernels#applyRope}). */
    private void applyRope(float[] vector, int heads, float[] cos, float[] sin) {
        LayerKernels.applyRope(vector, heads, config.headDimension(), config.ropeDimensions() / 2,
                features.ropeStyle(), cos, sin);
    }

    private static void softCap(float[] values, float cap) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (cap * Math.tanh(values[i] / cap));
        }
    }

    private static void matVec(WeightMatrix matrix, float[] input, float[] output, ForwardState state, WorkerPool pool) {
        state.matMul.run(pool, matrix, input, 1, output);
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

    private static void addBias(float[] target, float[] bias) {
        if (bias != null) {
            add(target, bias);
        }
    }

    private static void add(float[] target, float[] addend) {
        for (int i = 0; i < target.length; i++) {
            target[i] += addend[i];
        }
    }
}
