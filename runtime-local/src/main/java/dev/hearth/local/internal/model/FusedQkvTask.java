package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

/**
 * Query, key and value projections of the same normalised input as one split of the worker pool: their rows are
 * treated as one range of {@code q + k + v} rows, so the three products cost one hand-off and one wait instead of
 * three, the small key/value matrices no longer run below the pool's split threshold on one thread, and the input
 * stays in each worker's cache across all three. Every row is the same dot product the separate path computes, so
 * the results are bit-identical. Reused per session (no allocation per token), like {@link MatVecTask}.
 */
final class FusedQkvTask implements WorkerPool.RangeTask {
    private WeightMatrix query;
    private WeightMatrix key;
    private WeightMatrix value;
    private float[] input;
    private float[] queryOut;
    private float[] keyOut;
    private float[] valueOut;

    void run(WorkerPool pool, WeightMatrix query, WeightMatrix key, WeightMatrix value, float[] input,
             float[] queryOut, float[] keyOut, float[] valueOut) {
        this.query = query;
        this.key = key;
        this.value = value;
        this.input = input;
        this.queryOut = queryOut;
        this.keyOut = keyOut;
        this.valueOut = valueOut;
        try {
            pool.forRange(query.rows() + key.rows() + value.rows(), this);
        } finally {
            this.query = null;
            this.key = null;
            this.value = null;
            this.input = null;
            this.queryOut = null;
            this.keyOut = null;
            this.valueOut = null;
        }
    }

    @Override
    public void run(int start, int end) {
        int keyBase = query.rows();
        int valueBase = keyBase + key.rows();
        project(query, queryOut, 0, start, end);
        project(key, keyOut, keyBase, start, end);
        project(value, valueOut, valueBase, start, end);
    }

    /** The part of [start, end) that falls in this matrix's rows [base, base + rows). */
    private void project(WeightMatrix matrix, float[] out, int base, int start, int end) {
        int from = Math.max(start, base) - base;
        int to = Math.min(end, base + matrix.rows()) - base;
        if (from < to) {
            matrix.matVec(input, out, from, to);
        }
    }
}
