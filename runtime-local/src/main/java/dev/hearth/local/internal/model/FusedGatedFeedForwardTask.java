package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

/**
 * The gate and up projections and the gated activation as one split of the worker pool: each worker takes a share
 * of the feed-forward rows and, tile by tile, computes the gate rows, the matching up rows and {@code act(gate)·up}
 * while both are still in cache. That replaces two hand-offs, two waits and a single-threaded activation pass over
 * the feed-forward width with one of each and no serial tail. Row by row it is the same arithmetic as the separate
 * path, so results are bit-identical. Handles both layouts: separate gate and up matrices, or one fused matrix whose
 * first half of rows is the gate and second half the up projection. Reused per session.
 */
final class FusedGatedFeedForwardTask implements WorkerPool.RangeTask {
    /** Rows per tile: enough to amortise the per-call checks, few enough that gate and up outputs stay in L1. */
    private static final int TILE_ROWS = 32;

    private WeightMatrix gate;
    private WeightMatrix up;
    private int upRowOffset;
    private float[] input;
    private float[] gateOut;
    private float[] upOut;
    private float[] out;
    private Activation activation;

    /**
     * {@code out[i] = act(gate·input)[i] · (up·input)[upRowOffset + i]} for every feed-forward row i, with the
     * projections written to {@code gateOut} and {@code upOut} (indexed by the matrices' own rows) on the way.
     */
    void run(WorkerPool pool, Activation activation, WeightMatrix gate, WeightMatrix up, int upRowOffset,
             float[] input, float[] gateOut, float[] upOut, float[] out) {
        this.activation = activation;
        this.gate = gate;
        this.up = up;
        this.upRowOffset = upRowOffset;
        this.input = input;
        this.gateOut = gateOut;
        this.upOut = upOut;
        this.out = out;
        try {
            pool.forRange(out.length, this);
        } finally {
            this.gate = null;
            this.up = null;
            this.input = null;
            this.gateOut = null;
            this.upOut = null;
            this.out = null;
        }
    }

    @Override
    public void run(int start, int end) {
        for (int tile = start; tile < end; tile += TILE_ROWS) {
            int tileEnd = Math.min(end, tile + TILE_ROWS);
            gate.matVec(input, gateOut, tile, tileEnd);
            up.matVec(input, upOut, upRowOffset + tile, upRowOffset + tileEnd);
            LayerKernels.gatedActivation(activation, gateOut, upOut, upRowOffset, out, tile, tileEnd);
        }
    }
}
