package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

/**
 * The gate and up projections and the gated activation as one split of the worker pool, for a block of tokens
 * (decode is a block of one): each worker takes a share of the feed-forward rows and, tile by tile, multiplies the
 * gate rows and the matching up rows with every token of the block, then applies {@code act(gate)·up} to the tile of
 * each token while both are still in cache. That replaces two hand-offs, two waits and a single-threaded activation
 * pass with one of each. Same arithmetic per (row, token) as the unfused path, so results are bit-identical. Handles separate gate and up matrices and one fused matrix (gate rows first). Reused per session.
 */
final class GatedFeedForwardTask implements WorkerPool.RangeTask {
    /** Rows per tile: the gate and up outputs of a tile for a whole block stay in L1/L2 until the activation. */
    private static final int TILE_ROWS = 64;

    private WeightMatrix gate;
    private WeightMatrix up;
    private int upRowOffset;
    private int width;
    private float[] inputs;
    private int batchSize;
    private float[] gateOut;
    private float[] upOut;
    private float[] out;
    private Activation activation;

    /**
     * For every token b and feed-forward row i ({@code i < width}):
     * {@code out[b·width + i] = act(gateOut[b·gate.rows() + i]) · upOut[b·up.rows() + upRowOffset + i]}, with the
     * projections written to {@code gateOut} and {@code upOut} (packed by each matrix's own row count) on the way.
     * {@code out} may be {@code gateOut} when the gate matrix has exactly {@code width} rows.
     */
    void run(WorkerPool pool, Activation activation, WeightMatrix gate, WeightMatrix up, int upRowOffset, int width,
             float[] inputs, int batchSize, float[] gateOut, float[] upOut, float[] out) {
        this.activation = activation;
        this.gate = gate;
        this.up = up;
        this.upRowOffset = upRowOffset;
        this.width = width;
        this.inputs = inputs;
        this.batchSize = batchSize;
        this.gateOut = gateOut;
        this.upOut = upOut;
        this.out = out;
        try {
            // gate and up rows: two rows per unit of width
            long work = 2L * width * gate.cols() * batchSize;
            pool.forRange(width, work < WorkerPool.MIN_SPLIT_WORK, this);
        } finally {
            this.gate = null;
            this.up = null;
            this.inputs = null;
            this.gateOut = null;
            this.upOut = null;
            this.out = null;
        }
    }

    @Override
    public void run(int start, int end) {
        int gateRows = gate.rows();
        int upRows = up.rows();
        for (int tile = start; tile < end; tile += TILE_ROWS) {
            int tileEnd = Math.min(end, tile + TILE_ROWS);
            gate.matMul(inputs, batchSize, gateOut, tile, tileEnd);
            up.matMul(inputs, batchSize, upOut, upRowOffset + tile, upRowOffset + tileEnd);
            for (int token = 0; token < batchSize; token++) {
                LayerKernels.gatedActivation(activation, gateOut, token * gateRows + tile, upOut,
                        token * upRows + upRowOffset + tile, out, token * width + tile, tileEnd - tile);
            }
        }
    }
}
