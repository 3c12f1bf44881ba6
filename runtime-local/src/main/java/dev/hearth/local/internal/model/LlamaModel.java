package dev.hearth.local.internal.model;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tensor.FloatOps;
import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

/**
 * The llama-family transformer: token embedding, then per layer RMSNorm → attention (RoPE, grouped-query heads,
 * causal softmax over the session's KV cache) → residual add → RMSNorm → SwiGLU feed-forward → residual add, then a
 * final RMSNorm and the output projection to logits. Reads top to bottom like the paper; matrix-vector products are
 * split across the worker pool by rows.
 */
public final class LlamaModel {
    private final LlamaConfig config;
    private final LlamaWeights weights;
    /** Per rotated pair i: base^(-2i/d), already divided by the Llama 3 frequency factor when the model has one. */
    private final double[] ropeInverseFrequencies;

    public LlamaModel(GgufFile file, LlamaConfig config) {
        this.config = config;
        this.weights = new LlamaWeights(file, config);
        int pairs = config.ropeDimensions() / 2;
        ropeInverseFrequencies = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            double frequency = Math.pow(config.ropeFrequencyBase(), -2.0 * i / config.ropeDimensions());
            if (weights.ropeFrequencyFactors != null) {
                frequency /= weights.ropeFrequencyFactors[i];
            }
            ropeInverseFrequencies[i] = frequency;
        }
    }

    public LlamaConfig config() {
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
        computeRope(position, state);
        for (int layer = 0; layer < config.layerCount(); layer++) {
            LayerWeights w = weights.layers.get(layer);
            attention(layer, w, position, cache, state, pool);
            feedForward(w, state, pool);
        }
        cache.commit(position);
        if (computeLogits) {
            rmsNorm(state.normalized, state.hidden, weights.outputNorm);
            matVec(weights.output, state.normalized, state.logits, pool);
        }
    }

    private void attention(int layer, LayerWeights w, int position, KvCache cache, ForwardState state, WorkerPool pool) {
        rmsNorm(state.normalized, state.hidden, w.attentionNorm());
        matVec(w.query(), state.normalized, state.query, pool);
        matVec(w.key(), state.normalized, state.key, pool);
        matVec(w.value(), state.normalized, state.value, pool);
        applyRope(state.query, config.headCount(), state);
        applyRope(state.key, config.kvHeadCount(), state);

        int kvDimension = config.kvDimension();
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        System.arraycopy(state.key, 0, keys, position * kvDimension, kvDimension);
        System.arraycopy(state.value, 0, values, position * kvDimension, kvDimension);

        int headDimension = config.headDimension();
        float scale = (float) (1.0 / Math.sqrt(headDimension));
        float[] scores = state.attentionScores;
        java.util.Arrays.fill(state.attentionOutput, 0f);
        for (int head = 0; head < config.headCount(); head++) {
            int queryOffset = head * headDimension;
            int kvOffset = (head / config.queriesPerKvHead()) * headDimension;
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= position; t++) {
                float score = FloatOps.dot(state.query, queryOffset, keys, t * kvDimension + kvOffset, headDimension) * scale;
                scores[t] = score;
                max = Math.max(max, score);
            }
            float sum = 0;
            for (int t = 0; t <= position; t++) {
                float e = (float) Math.exp(scores[t] - max);
                scores[t] = e;
                sum += e;
            }
            float inverse = 1f / sum;
            for (int t = 0; t <= position; t++) {
                FloatOps.axpy(scores[t] * inverse, values, t * kvDimension + kvOffset, state.attentionOutput, queryOffset, headDimension);
            }
        }
        matVec(w.attentionOutput(), state.attentionOutput, state.projected, pool);
        add(state.hidden, state.projected);
    }

    private void feedForward(LayerWeights w, ForwardState state, WorkerPool pool) {
        rmsNorm(state.normalized, state.hidden, w.feedForwardNorm());
        matVec(w.gate(), state.normalized, state.gate, pool);
        matVec(w.up(), state.normalized, state.up, pool);
        float[] gate = state.gate;
        float[] up = state.up;
        for (int i = 0; i < gate.length; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i]; // SiLU(gate) · up
        }
        matVec(w.down(), state.gate, state.projected, pool);
        add(state.hidden, state.projected);
    }

    private void rmsNorm(float[] out, float[] in, float[] weight) {
        int n = in.length;
        double meanSquare = FloatOps.sumOfSquares(in, 0, n) / n;
        float inverseRms = (float) (1.0 / Math.sqrt(meanSquare + config.rmsNormEpsilon()));
        for (int i = 0; i < n; i++) {
            out[i] = in[i] * inverseRms * weight[i];
        }
    }

    /** cos/sin of every rotated pair's angle at this position, shared by all heads and layers of the token. */
    private void computeRope(int position, ForwardState state) {
        double scaledPosition = position * config.ropePositionScale();
        for (int i = 0; i < ropeInverseFrequencies.length; i++) {
            double angle = scaledPosition * ropeInverseFrequencies[i];
            state.ropeCos[i] = (float) Math.cos(angle);
            state.ropeSin[i] = (float) Math.sin(angle);
        }
    }

    /** GGUF llama uses "normal" RoPE: pairs of adjacent dimensions (2i, 2i+1) rotate together within each head. */
    private void applyRope(float[] vector, int heads, ForwardState state) {
        int headDimension = config.headDimension();
        int pairs = config.ropeDimensions() / 2;
        for (int head = 0; head < heads; head++) {
            int base = head * headDimension;
            for (int i = 0; i < pairs; i++) {
                int even = base + 2 * i;
                float x0 = vector[even];
                float x1 = vector[even + 1];
                float cos = state.ropeCos[i];
                float sin = state.ropeSin[i];
                vector[even] = x0 * cos - x1 * sin;
                vector[even + 1] = x0 * sin + x1 * cos;
            }
        }
    }

    private static void matVec(WeightMatrix matrix, float[] input, float[] output, WorkerPool pool) {
        pool.forRange(matrix.rows(), (start, end) -> matrix.matVec(input, output, start, end));
    }

    private static void add(float[] target, float[] addend) {
        for (int i = 0; i < target.length; i++) {
            target[i] += addend[i];
        }
    }
}
