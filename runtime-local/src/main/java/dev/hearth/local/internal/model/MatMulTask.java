package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

/**
 * One reusable {@link WorkerPool.RangeTask} per session for {@code outputs = matrix · inputs}, inputs and outputs packed
 * token after token (decode is a block of one), rows split across the worker pool: a capturing lambda per product
 * would allocate several objects per layer per token. The pool publishes the task through a volatile write before
 * workers read these fields, and a session runs one product at a time.
 */
final class MatMulTask implements WorkerPool.RangeTask {
    private WeightMatrix matrix;
    private float[] inputs;
    private int batchSize;
    private float[] outputs;

    void run(WorkerPool pool, WeightMatrix matrix, float[] inputs, int batchSize, float[] outputs) {
        this.matrix = matrix;
        this.inputs = inputs;
        this.batchSize = batchSize;
        this.outputs = outputs;
        try {
            long work = (long) matrix.rows() * matrix.cols() * batchSize;
            pool.forRange(matrix.rows(), work < WorkerPool.MIN_SPLIT_WORK, this);
        } finally {
            this.matrix = null;
            this.inputs = null;
            this.outputs = null;
        }
    }

    @Override
    public void run(int start, int end) {
        matrix.matMul(inputs, batchSize, outputs, start, end);
    }
}
