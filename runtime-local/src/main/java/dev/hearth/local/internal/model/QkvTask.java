package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

/**
 * Query, key and value projections of the same normalised inputs as one split of the worker pool: their rows are
 * treated as one range of {@code q + k + v} rows, so the three products cost one hand-off and one wait instead of
 * three, the small key/value matrices no longer run below the pool's split threshold on one thread, and the inputs
 * stay in each worker's cache across all three. Each share multiplies its rows with every token of the block
 * ({@link WeightMatrix#matMul}; decode is a block of one); outputs are packed token after token, each matrix into its
 * own array. Every (row, token) is the same dot product as the unfused path, so results are bit-identical. Reused
 * per session (no allocation per token).
 */
final class QkvTask implements WorkerPool.RangeTask {
    private WeightMatrix query;
    private WeightMatrix key;
    private WeightMatrix value;
    private float[] inputs;
    private int batchSize;
    private float[] queryOut;
    private float[] keyOut;
    private float[] valueOut;

    void run(WorkerPool pool, WeightMatrix query, WeightMatrix key, WeightMatrix value, float[] inputs, int batchSize,
             float[] queryOut, float[] keyOut, float[] valueOut) {
        this.query = query;
        this.key = key;
        this.value = value;
        this.inputs = inputs;
        this.batchSize = batchSize;
        this.queryOut = queryOut;
        this.keyOut = keyOut;
        this.valueOut = valueOut;
        try {
            int rows = query.rows() + key.rows() + value.rows();
            pool.forRange(rows, (long) rows * query.cols() * batchSize < WorkerPool.MIN_SPLIT_WORK, this);
        } finally {
            this.query = null;
            this.key = null;
            this.value = null;
            this.inputs = null;
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
            matrix.matMul(inputs, batchSize, out, from, to);
        }
    }
}
