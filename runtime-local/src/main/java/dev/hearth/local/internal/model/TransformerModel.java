package dev.hearth.local.internal.model;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tensor.FloatOps;
import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

import java.util.Arrays;

/**
 * A decoder-only transformer with RMSNorm: token embedding (optionally scaled), then per layer RMSNorm → attention
 * (optional q/k/v biases and per-head q/k norms, RoPE, grouped-query heads, causal or sliding-window softmax over the
 * session's KV cache, optional soft-capping) → optional post-norm → residual add → RMSNorm → gated feed-forward
 * (SwiGLU or GeGLU) → optional post-norm → residual add, then a final RMSNorm, the output projection and an optional
 * logit soft-cap. Every architecture runs this one pass; what differs is {@link ArchitectureFeatures} data. Reads top
 * to bottom like the papers; matrix-vector products are split across the worker pool by rows.
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
     * Whether QKV and gate/up/activation run as single pool splits ({@link FusedQkvTask},
     * {@link FusedGatedFeedForwardTask}). Both ways compute bit-identical results; the switch exists to measure the gain.
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

        int first = config.slidingWindow().firstVisible(layer, position);
        int headDimension = config.headDimension();
        float scale = config.attentionScale();
        float softCap = features.attentionSoftCap();
        float[] scores = state.attentionScores;
        Arrays.fill(state.attentionOutput, 0f);
        for (int head = 0; head < config.headCount(); head++) {
            int kvOffset = (head / config.queriesPerKvHead()) * headDimension;
            LayerKernels.attendHead(state.query, head * headDimension, keys, values, kvDimension, kvOffset,
                    headDimension, first, position, scale, softCap, scores, state.attentionOutput);
        }
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
            state.fusedQkv.run(pool, w.query(), w.key(), w.value(), state.normalized, state.query, state.key,
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
                state.gatedFeedForward.run(pool, features.activation(), w.up(), w.up(), gate.length,
                        state.normalized, state.gateUp, state.gateUp, gate);
            } else {
                matVec(w.up(), state.normalized, state.gateUp, state, pool);
                LayerKernels.gatedActivation(features.activation(), state.gateUp, state.gateUp, gate.length, gate, 0,
                        gate.length);
            }
        } else if (fusedKernels) {
            state.gatedFeedForward.run(pool, features.activation(), w.gate(), w.up(), 0, state.normalized, gate,
                    state.up, gate);
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
        double scaledPosition = position * rope.positionScale();
        for (int i = 0; i < inverseFrequencies.length; i++) {
            double angle = scaledPosition * inverseFrequencies[i];
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
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
        state.matVec.run(pool, matrix, input, output);
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
