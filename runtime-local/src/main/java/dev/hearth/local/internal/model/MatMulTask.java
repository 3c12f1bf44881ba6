package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

/**
 * {@link MatVecTask} for a block of tokens: {@code outputs = matrix · inputs} with inputs and outputs packed token
 * after token, rows split across the worker pool. Reused per session.
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
            pool.forRange(matrix.rows(), this);
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
