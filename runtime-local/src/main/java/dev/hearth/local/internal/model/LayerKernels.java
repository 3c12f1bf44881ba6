package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.FloatOps;
import dev.hearth.local.internal.tensor.VectorExp;

/**
 * The per-layer kernels of {@link TransformerModel} other than matrix products — RMSNorm, RoPE, the attention of one
 * head (or of the query heads sharing a KV head) with its softmax, the gated activation — as static methods over
 * plain arrays, so they can be benchmarked alone (JMH) and reused by fused or batched paths without a second copy of
 * the arithmetic.
 */
final class LayerKernels {
    private LayerKernels() {}

    /** RMS-normalises {@code in[offset, offset+n)} into {@code out} at the same offset; {@code out} may be {@code in}. */
    static void rmsNorm(float[] out, float[] in, int offset, int n, float[] weight, float epsilon) {
        double meanSquare = FloatOps.sumOfSquares(in, offset, n) / n;
        float inverseRms = (float) (1.0 / Math.sqrt(meanSquare + epsilon));
        for (int i = 0; i < n; i++) {
            out[offset + i] = in[offset + i] * inverseRms * weight[i];
        }
    }

    /**
     * Rotates pair i of every head by angle i: NORMAL pairs adjacent dimensions (2i, 2i+1), NEOX pairs the halves of
     * the rotated span (i, i + pairs). Dimensions past {@code 2·pairs} pass through.
     */
    static void applyRope(float[] vector, int heads, int headDimension, int pairs, RopeStyle style, float[] cos,
                          float[] sin) {
        applyRope(vector, 0, heads, headDimension, pairs, style, cos, sin, 0);
    }

    /**
     * {@link #applyRope(float[], int, int, int, RopeStyle, float[], float[])} for the heads starting at
     * {@code vectorOffset}, with the angles at {@code angleOffset} of {@code cos}/{@code sin}: one token of a batch
     * whose vectors and angles are packed token after token. The arithmetic is the same, term for term.
     */
    static void applyRope(float[] vector, int vectorOffset, int heads, int headDimension, int pairs, RopeStyle style,
                          float[] cos, float[] sin, int angleOffset) {
        // two plain loops rather than one with a computed stride: this runs for every head of every layer
        if (style == RopeStyle.NEOX) {
            for (int head = 0; head < heads; head++) {
                int base = vectorOffset + head * headDimension;
                for (int i = 0; i < pairs; i++) {
                    float c = cos[angleOffset + i];
                    float s = sin[angleOffset + i];
                    float x0 = vector[base + i];
                    float x1 = vector[base + i + pairs];
                    vector[base + i] = x0 * c - x1 * s;
                    vector[base + i + pairs] = x0 * s + x1 * c;
                }
            }
        } else {
            for (int head = 0; head < heads; head++) {
                int base = vectorOffset + head * headDimension;
                for (int i = 0; i < pairs; i++) {
                    float c = cos[angleOffset + i];
                    float s = sin[angleOffset + i];
                    int even = base + 2 * i;
                    float x0 = vector[even];
                    float x1 = vector[even + 1];
                    vector[even] = x0 * c - x1 * s;
                    vector[even + 1] = x0 * s + x1 * c;
                }
            }
        }
    }

    /**
     * Turns {@code scores[first..last]} into softmax weights in place: subtracts the maximum before exponentiating so
     * large scores cannot overflow (a score of −∞ becomes weight 0). At least one score must be finite. Max, exp
     * ({@link VectorExp}) and the sum are vector passes with a fixed reduction order.
     */
    static void softmax(float[] scores, int first, int last) {
        int count = last - first + 1;
        float max = FloatOps.max(scores, first, count);
        float sum = VectorExp.expShiftedInPlace(scores, first, count, max);
        FloatOps.scale(scores, first, count, 1f / sum);
    }

    /**
     * One query head attending over cached positions {@code [first, last]}: scaled (and optionally soft-capped)
     * query·key scores, softmax, then the weighted sum of values written to {@code output[queryOffset ..
     * queryOffset+headDimension)}. Keys and values are {@code kvDimension} floats per position; this head reads
     * {@code headDimension} of them from {@code kvOffset}. {@code scores[first..last]} is scratch.
     */
    static void attendHead(float[] query, int queryOffset, float[] keys, float[] values, int kvDimension, int kvOffset,
                           int headDimension, int first, int last, float scale, float softCap, float[] scores,
                           float[] output) {
        attendHeads(query, queryOffset, 1, keys, values, kvDimension, kvOffset, headDimension, first, last, scale,
                softCap, scores, 0, output);
    }

    /** Positions per tile of {@link #attendHeads}: one KV head's keys (or values) of a tile stay in L1/L2. */
    static final int POSITION_TILE = 128;

    /**
     * {@code heads} consecutive query heads (from {@code queryOffset}, {@code headDimension} apart) that share one KV
     * head, attending over positions {@code [first, last]}, each exactly as {@link #attendHead} alone would: the
     * results are bit-identical to one head at a time, whatever {@code heads} is. The q·k and value passes walk the
     * positions in tiles of {@link #POSITION_TILE} and run every head over a tile before the next, so the shared
     * keys and values come from memory once per group instead of once per head (at long context these passes are
     * bound by memory, not arithmetic). Head {@code j}'s scores are {@code scores[j·scoreStride + first ..
     * j·scoreStride + last]} (scratch; {@code scoreStride > last}); its output goes to the same place as its query.
     */
    static void attendHeads(float[] query, int queryOffset, int heads, float[] keys, float[] values, int kvDimension,
                            int kvOffset, int headDimension, int first, int last, float scale, float softCap,
                            float[] scores, int scoreStride, float[] output) {
        int count = last - first + 1;
        for (int tile = first; tile <= last; tile += POSITION_TILE) {
            int tileLast = Math.min(last, tile + POSITION_TILE - 1);
            for (int head = 0; head < heads; head++) {
                FloatOps.dotRows(query, queryOffset + head * headDimension, keys, kvDimension, kvOffset, headDimension,
                        tile, tileLast, scores, head * scoreStride);
            }
        }
        for (int head = 0; head < heads; head++) {
            int base = head * scoreStride;
            FloatOps.scale(scores, base + first, count, scale);
            if (softCap > 0) {
                for (int t = base + first; t <= base + last; t++) {
                    scores[t] = (float) (softCap * Math.tanh(scores[t] / softCap));
                }
            }
            softmax(scores, base + first, base + last);
        }
        for (int tile = first; tile <= last; tile += POSITION_TILE) {
            int tileLast = Math.min(last, tile + POSITION_TILE - 1);
            for (int head = 0; head < heads; head++) {
                FloatOps.weightedRowSum(scores, head * scoreStride, tile, tileLast, values, kvDimension, kvOffset,
                        headDimension, output, queryOffset + head * headDimension, tile != first);
            }
        }
    }

    /**
     * {@code out[i] = act(gate[i]) · up[upOffset + i]} for {@code i} in {@code [from, to)}; {@code out} may be
     * {@code gate} itself.
     */
    static void gatedActivation(Activation activation, float[] gate, float[] up, int upOffset, float[] out, int from,
                                int to) {
        gatedActivation(activation, gate, from, up, upOffset + from, out, from, to - from);
    }

    /**
     * {@code out[outOffset + i] = act(gate[gateOffset + i]) · up[upOffset + i]} for {@code i} in {@code [0, count)}:
     * the form a packed batch needs, where gate, up and output rows of one token sit at different offsets.
     * {@code out} may be {@code gate} when the offsets match.
     */
    static void gatedActivation(Activation activation, float[] gate, int gateOffset, float[] up, int upOffset,
                                float[] out, int outOffset, int count) {
        switch (activation) {
            case SILU -> VectorExp.siluGate(gate, gateOffset, up, upOffset, out, outOffset, count);
            case GELU_TANH -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = geluTanh(gate[gateOffset + i]) * up[upOffset + i];
                }
            }
        }
    }

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    /** GELU's tanh approximation, evaluated in double precision (Gemma's reference; ggml uses an fp16 table). */
    static float geluTanh(float x) {
        double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        return (float) (0.5 * x * (1.0 + Math.tanh(inner)));
    }
}
